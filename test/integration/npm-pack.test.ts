import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runChild, startFront, startMoto, type ChildRun, type Front, type MotoServer } from './harness';

/**
 * The installable package: `npm pack ./dist/npm` (laid out by cli/build.mjs), installed globally
 * from the tarball into a temporary prefix, and run from outside the checkout with nothing but node
 * on PATH. moto (through the harness front, which stands in for GetInstanceMetadataDefaults) is the
 * account it scans.
 */

const ROOT = resolve(__dirname, '..', '..');
let work: string;
let prefix: string;
let tarball: string;
let moto: MotoServer;
let front: Front;

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

beforeAll(async () => {
  const built = spawnSync(process.execPath, [join(ROOT, 'cli', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed:\n${built.stderr}${built.stdout}`);
  work = mkdtempSync(join(tmpdir(), 'imdsv2-guard-pack-'));
  prefix = join(work, 'prefix');
  mkdirSync(prefix);
  const packed = JSON.parse(npm(['pack', join(ROOT, 'dist', 'npm'), '--pack-destination', work, '--json'], work)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, packed[0].filename);
  npm(['install', '-g', tarball, '--prefix', prefix, '--no-audit', '--no-fund'], work);
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
}, 180_000);

afterAll(async () => {
  await front?.stop();
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs the installed command from the temp dir: only node's own directory and /usr/bin:/bin on PATH, no NODE_PATH. */
function installed(args: string[]): Promise<ChildRun> {
  const env = {
    PATH: [join(prefix, 'bin'), dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
    HOME: work,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return runChild('imdsv2-guard', args, { cwd: work, env });
}

test('The tarball holds the bin shim, the bundle, a README and a manifest with no dependency', () => {
  const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
  expect(listing).toEqual(['package/README.md', 'package/bin/imdsv2-guard.js', 'package/dist/cli/imdsv2-guard.js', 'package/package.json']);
  const manifest = JSON.parse(execFileSync('tar', ['xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  expect(manifest).toMatchObject({ name: 'imdsv2-guard', bin: { 'imdsv2-guard': 'bin/imdsv2-guard.js' } });
  expect(manifest.dependencies).toBeUndefined();
  expect(manifest.devDependencies).toBeUndefined();
});

test('The bundle holds only the SDK code the CLI sends: the shapes and commands in use, not whole clients', () => {
  // 1.43 MB before the schema plugin (scripts/sdk-schema-keys.mjs), 0.73 MB with it (2026-12-02). A
  // rule handler reached through a lazy require would be wrapped and bring every EC2 command back
  // (1.8 MB): cli/build.mjs binds the rules' handlers statically.
  const bytes = readFileSync(join(ROOT, 'dist', 'cli', 'imdsv2-guard.js')).length;
  expect(bytes).toBeLessThan(1_000_000);
  const code = readFileSync(join(ROOT, 'dist', 'cli', 'imdsv2-guard.js'), 'utf8');
  expect(code.includes('AcceptAddressTransfer')).toBe(false);
});

test('Installed globally: nothing else came with it (no tsx, no node_modules)', () => {
  const pkg = join(prefix, 'lib', 'node_modules', 'imdsv2-guard');
  expect(readdirSync(pkg).sort()).toEqual(['README.md', 'bin', 'dist', 'package.json']);
  expect(existsSync(join(pkg, 'node_modules'))).toBe(false);
  expect(existsSync(join(prefix, 'lib', 'node_modules', 'tsx'))).toBe(false);
});

test('`imdsv2-guard` runs from outside the checkout: --version, help, and a scan', async () => {
  expect((await installed(['--version'])).stdout).toBe(`${require(join(ROOT, 'package.json')).version}\n`);
  expect((await installed(['scan', '--help'])).stdout).toMatch(/--org/);
  const ec2 = new EC2Client({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, MetadataOptions: { HttpTokens: 'optional' } }));
  ec2.destroy();
  const r = await installed(['scan', '--endpoint-url', front.url, '--region', 'us-east-1', '--format', 'json', '--no-progress']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stdout).resources).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'instance', verdict: 'NON_COMPLIANT', accountId: '123456789012' })]));
});
