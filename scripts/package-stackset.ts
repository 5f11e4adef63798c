// Packages imdsv2-guard for the organization-wide deployment (npm run package:stackset): zips the
// rule bundles `npm run build` wrote to dist/lambda/<id>/index.js and the remediation helper bundles
// (dist/lambda/remediation/<entry>/index.js) into dist/stackset/. With --publish it then uploads
// them to each region's versioned package bucket with the AWS CLI, and writes the StackSet member
// template naming each zip's S3 object version there (see lib/stackset/publish.ts). See
// docs/org-runbook.md.
//
//   npm run package:stackset -- --regions us-east-1,eu-west-1 --bucket-prefix acme-imdsv2-guard --publish
//
// Options: --regions a,b  --bucket-prefix p  --publish  --out dir  --lambda-dir dir  -c key=value
// (CDK context, repeatable, over cdk.json's). Regions and prefix default to the
// imdsv2-guard:management:* context.
import * as path from 'node:path';
import { renderColumns } from '../cli/common/table';
import { PROJECT_ROOT } from '../lib/bundling';
import { MANAGEMENT_CONTEXT_KEYS } from '../lib/stackset/management-context';
import { cdkJsonContext, checkPackageTargets, deployCommands, packageStackSet, TEMPLATE_FILE } from '../lib/stackset/package';
import { publishStackSet } from '../lib/stackset/publish';

interface Args {
  regions?: string[];
  bucketPrefix?: string;
  publish: boolean;
  out: string;
  lambdaDir: string;
  context: Record<string, string>;
}

const USAGE =
  'usage: package-stackset [--regions us-east-1,eu-west-1] [--bucket-prefix acme-imdsv2-guard] [--publish] [--out dist/stackset] [--lambda-dir dist/lambda] [-c key=value ...]';

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { out: path.join(PROJECT_ROOT, 'dist', 'stackset'), lambdaDir: path.join(PROJECT_ROOT, 'dist', 'lambda'), context: {}, publish: false };
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
      case '--publish':
        args.publish = true;
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

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const context = { ...cdkJsonContext(), ...args.context };
  const regions = args.regions ?? listFromContext(context[MANAGEMENT_CONTEXT_KEYS.regions]);
  const prefix = args.bucketPrefix ?? (context[MANAGEMENT_CONTEXT_KEYS.assetBucketPrefix] as string | undefined);
  const keys = {
    prefix: args.bucketPrefix !== undefined ? '--bucket-prefix' : `Context "${MANAGEMENT_CONTEXT_KEYS.assetBucketPrefix}"`,
    regions: args.regions !== undefined ? '--regions' : `Context "${MANAGEMENT_CONTEXT_KEYS.regions}"`,
  };
  // Before anything is written: a prefix that makes no valid bucket name cannot be published to.
  checkPackageTargets(prefix, regions, keys);
  if (args.publish && (!regions?.length || !prefix)) throw new Error(`--publish needs the regions and the bucket prefix (${keys.regions}, ${keys.prefix})`);

  const manifest = packageStackSet({ outDir: args.out, lambdaDir: args.lambdaDir });
  // Paths as the user can paste them: relative below the working directory, absolute elsewhere.
  const rel = (p: string): string => {
    const r = path.relative(process.cwd(), p);
    return r === '' ? '.' : r.startsWith('..') || path.isAbsolute(r) ? p : r;
  };
  const out = rel(args.out);
  const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

  console.log(`Packaged imdsv2-guard ${manifest.version} for StackSets in ${out}/`);
  const bundles = [...Object.entries(manifest.functions), ...Object.entries(manifest.helpers).map(([entry, f]) => [`remediation/${entry}`, f] as const)];
  const rows = bundles.map(([name, f]) => [name, kib(f.zipBytes), `-> ${f.key}`]);
  for (const line of renderColumns(rows, { indent: '  ', gap: [' ', '  '], alignRight: [1], minWidths: [0, 9] })) console.log(line);
  if (!args.publish || !regions || !prefix) {
    console.log('\nNext: deploy the package buckets, then run this again with --publish (and --regions, --bucket-prefix) to upload the zips and write the member template.');
    return;
  }

  // The StackSet's own region holds the template (TemplateURL): published to as well.
  const home = context[MANAGEMENT_CONTEXT_KEYS.region];
  const publishRegions = [...new Set([...regions, ...(typeof home === 'string' && home.trim() !== '' ? [home.trim()] : [])])];
  console.log(`\nPublishing to ${publishRegions.map((r) => `s3://${prefix}-${r}`).join(', ')}:`);
  const published = await publishStackSet({
    dir: args.out,
    bucketPrefix: prefix,
    regions: publishRegions,
    context,
    onObject: (o) => console.log(`  ${o.action === 'uploaded' ? 'uploaded' : 'kept    '} s3://${o.bucket}/${o.key}  version ${o.versionId}`),
  });
  const template = published.template!;
  console.log(`\n${out}/${TEMPLATE_FILE}  ${template.bytes} bytes  -> ${template.key}`);
  console.log(`Every function reads S3ObjectVersion from its CodeVersions row for ${Object.keys(published.codeVersions ?? {}).join(', ')}; a stack in any other region fails (no row).`);

  console.log('\nThe management account itself (a service-managed StackSet never deploys there), per region:');
  for (const command of deployCommands(out, prefix, regions, template.bytes)) console.log(`  ${command}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
