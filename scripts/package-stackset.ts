// Packages imdsv2-guard for the organization-wide deployment (npm run package:stackset): zips the
// rule bundles `npm run build` wrote to dist/lambda/<id>/index.js and the remediation helper bundles
// (dist/lambda/remediation/<entry>/index.js), synthesizes the StackSet member
// template with their S3 keys, writes both (and a manifest) to dist/stackset/, and prints the
// commands that upload them to each region's bucket. See docs/organization.md.
//
//   npm run package:stackset -- --regions us-east-1,eu-west-1 --bucket-prefix acme-imdsv2-guard
//
// Options: --regions a,b  --bucket-prefix p  --out dir  --lambda-dir dir  -c key=value (CDK context,
// repeatable, over cdk.json's). Regions and prefix default to the imdsv2-guard:management:* context.
import * as path from 'node:path';
import { renderColumns } from '../cli/common/table';
import { PROJECT_ROOT } from '../lib/bundling';
import { MANAGEMENT_CONTEXT_KEYS } from '../lib/stackset/management-context';
import { BUCKET_DIR, cdkJsonContext, checkPackageTargets, deployCommands, packageStackSet, TEMPLATE_FILE, uploadCommands } from '../lib/stackset/package';

interface Args {
  regions?: string[];
  bucketPrefix?: string;
  out: string;
  lambdaDir: string;
  context: Record<string, string>;
}

const USAGE = 'usage: package-stackset [--regions us-east-1,eu-west-1] [--bucket-prefix acme-imdsv2-guard] [--out dist/stackset] [--lambda-dir dist/lambda] [-c key=value ...]';

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { out: path.join(PROJECT_ROOT, 'dist', 'stackset'), lambdaDir: path.join(PROJECT_ROOT, 'dist', 'lambda'), context: {} };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--regions':
        args.regions = value().split(',').map((r) => r.trim()).filter(Boolean);
        break;
      case '--bucket-prefix':
        args.bucketPrefix = value();
        break;
      case '--out':
        args.out = path.resolve(value());
        break;
      case '--lambda-dir':
        args.lambdaDir = path.resolve(value());
        break;
      case '-c':
      case '--context': {
        const pair = value();
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new Error(`${flag} ${pair}: expected key=value`);
        args.context[pair.slice(0, eq)] = pair.slice(eq + 1);
        break;
      }
      case '-h':
      case '--help':
        console.log(USAGE);
        return process.exit(0);
      default:
        throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  return args;
}

function listFromContext(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value.trim() !== '') return value.split(',').map((s) => s.trim()).filter(Boolean);
  return undefined;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const context = { ...cdkJsonContext(), ...args.context };
  const regions = args.regions ?? listFromContext(context[MANAGEMENT_CONTEXT_KEYS.regions]);
  const prefix = args.bucketPrefix ?? (context[MANAGEMENT_CONTEXT_KEYS.assetBucketPrefix] as string | undefined);
  // Before anything is written: a prefix that makes no valid bucket name would print upload commands that cannot work.
  checkPackageTargets(prefix, regions, {
    prefix: args.bucketPrefix !== undefined ? '--bucket-prefix' : `Context "${MANAGEMENT_CONTEXT_KEYS.assetBucketPrefix}"`,
    regions: args.regions !== undefined ? '--regions' : `Context "${MANAGEMENT_CONTEXT_KEYS.regions}"`,
  });

  const manifest = packageStackSet({ outDir: args.out, lambdaDir: args.lambdaDir, context });
  // Paths as the user can paste them: relative below the working directory, absolute elsewhere.
  const rel = (p: string): string => {
    const r = path.relative(process.cwd(), p);
    return r === '' ? '.' : r.startsWith('..') || path.isAbsolute(r) ? p : r;
  };
  const out = rel(args.out);
  const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

  console.log(`Packaged imdsv2-guard ${manifest.version} for StackSets in ${out}/`);
  console.log(`  ${TEMPLATE_FILE}  ${manifest.template.bytes} bytes  -> ${manifest.template.key}`);
  const bundles = [...Object.entries(manifest.functions), ...Object.entries(manifest.helpers).map(([entry, f]) => [`remediation/${entry}`, f] as const)];
  const rows = bundles.map(([name, f]) => [name, kib(f.zipBytes), `-> ${f.key}`]);
  for (const line of renderColumns(rows, { indent: '  ', gap: [' ', '  '], alignRight: [1], minWidths: [0, 9] })) console.log(line);

  const regionList = regions && regions.length > 0 ? regions : ['<region>'];
  const bucketPrefix = prefix ?? '<prefix>';
  console.log(`\nUpload ${out}/${BUCKET_DIR}/ to the bucket of every target region (and of the StackSet's own region):`);
  for (const command of uploadCommands(out, bucketPrefix, regionList)) console.log(`  ${command}`);
  if (!regions?.length || !prefix) console.log('  (give --regions and --bucket-prefix, or the imdsv2-guard:management:* context, to fill in <region> and <prefix>)');

  console.log('\nThe management account itself (a service-managed StackSet never deploys there), per region:');
  for (const command of deployCommands(out, bucketPrefix, regionList, manifest.template.bytes)) console.log(`  ${command}`);
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
