// What-if, not part of `npm run bench`: how the DescribeInstances page size of the imdsv2-instance
// sweep trades API calls for peak memory. Builds VARIANT bundles (the shipped source with its
// LARGEST_PAGE replaced; same esbuild options) into the temp dir and sweeps N synthetic instances with
// each, in a child node with Lambda's 128 MB heap flags and with none. The child gets no
// AWS_LAMBDA_FUNCTION_MEMORY_SIZE, so the variant's LARGEST_PAGE is the page it reads.
//
//   tsx bench/what-if-page-size.ts [N=100000] [sizes=1000,500,200,100]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { sdkSchemaKeys } from '../scripts/sdk-schema-keys.mjs';
import { bigSweep, LAMBDA_128MB_NODE_ARGS } from './lib/big-sweep';
import { benchOutDir } from './lib/load-time';
import { renderTable } from './lib/table';
import { thousands } from './lib/stats';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ROOT = resolve(__dirname, '..');
const N = Number(process.argv[2] ?? 100_000);
const SIZES = (process.argv[3] ?? '1000,500,200,100').split(',').map(Number);
const FETCH = join(ROOT, 'lambda', 'rules', 'imdsv2-instance', 'fetch.ts');
const SHIPPED = 'const LARGEST_PAGE = 1000;';

async function variant(size: number): Promise<string> {
  const options = JSON.parse(readFileSync(join(ROOT, 'lib', 'esbuild-options.json'), 'utf8')) as Record<string, unknown>;
  const outfile = join(benchOutDir(), `instance-page-${size}`, 'index.js');
  await build({
    ...options,
    entryPoints: [join(ROOT, 'lambda', 'rules', 'imdsv2-instance', 'handler.ts')],
    outfile,
    logLevel: 'warning',
    plugins: [
      sdkSchemaKeys(),
      {
        name: 'page-size',
        setup(b) {
          b.onLoad({ filter: /imdsv2-instance[\\/]fetch\.ts$/ }, (a) => {
            const source = readFileSync(a.path, 'utf8');
            if (!source.includes(SHIPPED)) throw new Error(`${FETCH} no longer has "${SHIPPED}"`);
            return { contents: source.replace(SHIPPED, `const LARGEST_PAGE = ${size};`), loader: 'ts' };
          });
        },
      },
    ],
  });
  return outfile;
}

async function main(): Promise<void> {
  const rows = [];
  for (const size of SIZES) {
    const bundle = await variant(size);
    for (const flags of [LAMBDA_128MB_NODE_ARGS, []]) {
      process.stderr.write(`page ${size}, ${flags.length ? 'Lambda 128 MB flags' : 'no flags'}...\n`);
      const b = await bigSweep(ROOT, N, flags, bundle);
      rows.push({
        cells: [
          String(size),
          flags.length ? 'Lambda 128 MB' : 'none',
          `${b.peakRssMB} MB`,
          `${b.peakAnonRssMB} MB`,
          `${(b.wallMs / 1000).toFixed(1)} s`,
          `${b.cpuUsPerEvaluation} us`,
          thousands(b.counts.reads),
          thousands(b.counts.calls),
          `${b.counts.ratio}x`,
        ],
      });
    }
  }
  process.stdout.write(
    `imdsv2-instance sweep of ${thousands(N)} synthetic instances, variant bundles by DescribeInstances page size\n\n` +
      renderTable(['page size', 'heap flags', 'peak RSS', 'peak anon RSS', 'wall', 'CPU/eval', 'describes', 'calls', 'ratio to minimum'], rows) +
      '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
