import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync, type BuildOptions } from 'esbuild';
import { ESBUILD_OPTIONS, PROJECT_ROOT } from '../../../lib/bundling';

// The instance bundle evaluates EC2's client, schemas and DescribeInstances on the first EC2 call,
// not at load (lambda/kit/ec2-on-first-use.ts), and still holds only what the rule uses of EC2.
// The bundle is built with the deployed options, unminified so that a probe can be put at the start
// of EC2's schema module: it records when that module is evaluated.
const ENTRY = path.join(PROJECT_ROOT, 'lambda', 'rules', 'imdsv2-instance', 'handler.ts');
const SCHEMAS = 'node_modules/@aws-sdk/client-ec2/dist-es/schemas/schemas_0.js';

function build(minify: boolean) {
  return buildSync({ ...(ESBUILD_OPTIONS as BuildOptions), minify, entryPoints: [ENTRY], outfile: 'index.js', write: false, metafile: true, absWorkingDir: PROJECT_ROOT });
}

describe('imdsv2-instance bundle: EC2 on first use', () => {
  test('holds EC2Client and DescribeInstancesCommand, not the package index or other commands', () => {
    const inputs = Object.values(build(true).metafile.outputs)[0]!.inputs;
    const ec2 = Object.keys(inputs)
      .filter((f) => f.startsWith('node_modules/@aws-sdk/client-ec2/dist-es/') && inputs[f]!.bytesInOutput > 0)
      .map((f) => f.slice('node_modules/@aws-sdk/client-ec2/dist-es/'.length));
    expect(ec2).toContain('EC2Client.js');
    expect(ec2).toContain('schemas/schemas_0.js');
    expect(ec2.filter((f) => /^(commands|pagination|waiters)\//.test(f) || f === 'index.js' || f === 'EC2.js')).toEqual([
      'commands/DescribeInstancesCommand.js',
    ]);
  });

  test('loading the bundle does not evaluate EC2; the first DescribeInstances does', () => {
    const text = build(false).outputFiles[0]!.text;
    const marker = `"${SCHEMAS}"() {`;
    expect(text.split(marker)).toHaveLength(2); // the schema module is wrapped, to be initialised once
    const dir = mkdtempSync(path.join(tmpdir(), 'ec2-first-use-'));
    try {
      writeFileSync(path.join(dir, 'index.js'), text.replace(marker, `${marker} globalThis.__ec2SchemasEvaluated = true;`));
      const child = `
        const bundle = require(${JSON.stringify(path.join(dir, 'index.js'))});
        const atLoad = globalThis.__ec2SchemasEvaluated === true;
        const ctx = { region: 'us-east-1', clients: { ec2: { send: async () => ({ Reservations: [] }) } } };
        (async () => {
          for await (const page of bundle.rule.listPages(ctx)) void page;
          process.stdout.write(JSON.stringify({ atLoad, afterFirstCall: globalThis.__ec2SchemasEvaluated === true }));
        })();`;
      const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
      delete env.NODE_OPTIONS;
      const run = spawnSync(process.execPath, ['-e', child], { encoding: 'utf8', env });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({ atLoad: false, afterFirstCall: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
