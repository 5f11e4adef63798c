import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliEnv, runChild, startFront, startMoto, type ChildRun, type Front, type MotoServer } from './harness';

/**
 * The CLI in a pipeline and in a terminal, run as users run it (the built bundle through
 * bin/imdsv2-guard.js), against moto behind the harness front (which stands in for
 * GetInstanceMetadataDefaults, and holds calls unanswered where a test needs a scan in flight).
 */

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'imdsv2-guard.js');
const SHELL_BIN = BIN.replace(/'/g, `'\\''`);

let moto: MotoServer;
let front: Front;
let dir: string;

/** No AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED here: the CLI must keep the SDK's warning out itself. */
function sh(command: string, extra: Record<string, string | undefined> = {}): Promise<ChildRun> {
  return runChild('/bin/bash', ['-c', command], { env: cliEnv(extra, { config: join(dir, 'config'), credentials: join(dir, 'credentials') }) });
}

const cli = (args: string) => `node '${SHELL_BIN}' scan ${args}`;

beforeAll(async () => {
  const built = spawnSync(process.execPath, [join(ROOT, 'cli', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the CLI bundle failed:\n${built.stderr}${built.stdout}`);
  dir = mkdtempSync(join(tmpdir(), 'imdsv2-guard-pipeline-'));
  writeFileSync(
    join(dir, 'config'),
    [
      '[profile broken]',
      'region = us-east-1',
      `credential_process = sh -c "echo 'the SSO session has expired: run aws sso login' >&2; exit 3"`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'credentials'), '');
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
  const ec2 = new EC2Client({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  // 300 IMDSv1 instances: the JSON report is far bigger than a pipe's buffer.
  await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 300, MaxCount: 300, MetadataOptions: { HttpTokens: 'optional' } }));
  ec2.destroy();
  front.ec2.setAccountDefaults('us-east-1', { httpTokens: 'required' });
}, 120_000);

afterAll(async () => {
  await front?.stop();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a reader that leaves early', () => {
  test.each([
    ['head -n 1', '--format json --all'],
    ['head -c 10', '--format csv'],
    ['true', '--format table'],
  ])('Noncompliance: `| %s` ends quietly with the scan\'s own exit status (1)', async (reader, format) => {
    const r = await sh(`${cli(`--endpoint-url ${front.url} --region us-east-1 --no-progress ${format}`)} | ${reader}; echo "status=\${PIPESTATUS[0]}" >&2`);
    expect(r.stderr).toBe('status=1\n');
  });

  test('Without the handling the check would fail: plain node writing to a closed pipe crashes with EPIPE', async () => {
    const r = await sh(`node -e "setTimeout(() => process.stdout.write('x'.repeat(1 << 20)), 200)" | true; echo "status=\${PIPESTATUS[0]}" >&2`);
    expect(r.stderr).toMatch(/EPIPE/);
  });
});

describe('Ctrl-C', () => {
  test('In a terminal (a pty from script(1)): the bar is erased, one line is printed, exit 130', async () => {
    // The front holds DescribeInstances unanswered: the scan is in flight, its bar drawn, when ^C comes.
    front.setIntercept((request) => (request.operation === 'DescribeInstances' ? new Promise(() => undefined) : undefined));
    try {
      const r = await sh(`(sleep 3; printf '\\003') | script -qec "${cli(`--endpoint-url ${front.url} --region us-east-1`)}" /dev/null; echo "status=\${PIPESTATUS[1]}"`);
      // script(1) exits with the child's status (128+n for a signal).
      expect(r.stdout).toMatch(/status=130\s*$/);
      const screen = r.stdout.replace(/status=130\s*$/, '');
      expect(screen).toMatch(/scanning [█░]+/);
      // After the last bar drawing: erase the line, then exactly one line, and nothing else.
      const tail = screen.slice(screen.lastIndexOf('scanning'));
      expect(tail).toMatch(/\r\x1b\[2Kimdsv2-guard: interrupted \(Ctrl-C\): no report was printed\r\n$/);
      expect(screen.match(/interrupted/g)).toHaveLength(1);
      expect(screen).not.toMatch(/Error|at \S+ \(/);
    } finally {
      front.setIntercept(undefined);
    }
  });
});

describe('one clear line for each setup mistake', () => {
  test.each([
    ['an unknown --profile', `--profile nosuch --region us-east-1`, {}, /^imdsv2-guard scan: --profile: no profile "nosuch" in .*config or .*credentials/],
    ['an unknown AWS_PROFILE', `--region us-east-1`, { AWS_PROFILE: 'nosuch' }, /^imdsv2-guard scan: AWS_PROFILE: no profile "nosuch"/],
    [
      'a failing credential_process',
      `--profile broken --region us-east-1`,
      {},
      /^imdsv2-guard scan: the credential_process of profile "broken" failed: the SSO session has expired: run aws sso login \(command: sh -c/,
    ],
    ['a region name that does not exist (--region)', `--region eu-north-9 --endpoint-url FRONT`, {}, /^imdsv2-guard scan: --region: "eu-north-9" does not exist \(DescribeRegions does not list it\)$/m],
    ['a region name that does not exist (AWS_REGION)', '', { AWS_REGION: 'us-east-9' }, /^imdsv2-guard scan: region "us-east-9" \(from AWS_REGION or your profile\) does not exist: there is no sts\.us-east-9\.amazonaws\.com/],
  ])('%s', async (_, args, extra, message) => {
    const r = await sh(`${cli(args.replace('FRONT', front.url))}`, extra as Record<string, string>);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

test('No AWS SDK Node.js version warning on stderr, whatever the Node version', async () => {
  const r = await sh(`${cli(`--endpoint-url ${front.url} --region us-east-1 --format csv`)} > /dev/null`);
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(/NodeVersionSupportWarning|Warning:/);
  expect(r.stderr).toMatch(/^imdsv2-guard: scanned us-east-1: 300 instances/);
});
