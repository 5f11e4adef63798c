// Proves the test-facing layer of the integration harness with the real SDK v3 clients: startMoto's
// refusal to skip and the env helpers. The local AWS it wraps (moto, the front and its stand-ins,
// the Config event builders) is proved by test/cli/local/aws/.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { loadBundle, sdkEnv, startFront, startMoto, withEnv, type Front, type MotoServer } from './harness';

let moto: MotoServer;
let front: Front;
const clients: Array<{ destroy(): void }> = [];

function track<T extends { destroy(): void }>(client: T): T {
  clients.push(client);
  return client;
}

beforeAll(async () => {
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await front?.stop();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  front.reset();
});

describe('startMoto', () => {
  // The launcher itself (ports, readiness, stop, the SIGKILL watchdog) is tested in test/cli/local/aws/moto.test.ts.
  test('fails loudly, naming the install command, when moto_server is not on PATH (never skips)', async () => {
    await expect(withEnv({ PATH: '/nonexistent' }, () => startMoto())).rejects.toThrow(
      /moto_server is required.*pip install 'moto\[server\]==5\.2\.1'/,
    );
  });
});

describe('environment helpers', () => {
  test('sdkEnv points a client built with no settings at the front; withEnv restores the environment', async () => {
    const before = { ...process.env };
    await withEnv(sdkEnv(front), async () => {
      expect(process.env.AWS_ENDPOINT_URL).toBe(front.url);
      expect(process.env.AWS_PROFILE).toBeUndefined();
      const ec2 = track(new EC2Client({}));
      await ec2.send(new DescribeInstancesCommand({}));
    });
    expect(front.calls).toEqual([expect.objectContaining({ operation: 'DescribeInstances', region: 'us-east-1' })]);
    expect(process.env).toEqual(before);
  });

  test('loadBundle fails clearly when the bundle is missing', () => {
    expect(() => loadBundle('no-such-rule')).toThrow(/no-such-rule.*run npm run build/);
  });

  test('loadBundle loads a fresh copy each time, so module-scope clients see the current environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imdsv2-bundle-'));
    try {
      mkdirSync(join(dir, 'fake-rule'));
      // Like the real bundles: module-scope state, and a dynamic import() of a node built-in (the SDK's
      // HTTP handler does `await import("node:http")`), which jest's sandbox cannot run as is.
      writeFileSync(
        join(dir, 'fake-rule', 'index.js'),
        'const endpoint = process.env.AWS_ENDPOINT_URL;\n' +
          'exports.handler = async () => { const os = await import("node:os"); return { endpoint, os: typeof os.hostname, at: new Date(0) }; };\n',
      );
      const a = withEnv({ AWS_ENDPOINT_URL: 'http://a.invalid' }, () => loadBundle('fake-rule', { bundleDir: dir }));
      const b = withEnv({ AWS_ENDPOINT_URL: 'http://b.invalid' }, () => loadBundle('fake-rule', { bundleDir: dir }));
      const fromA = (await a.handler({})) as { endpoint: string; os: string; at: Date };
      expect(fromA).toEqual({ endpoint: 'http://a.invalid', os: 'function', at: new Date(0) });
      expect(fromA.at).toBeInstanceOf(Date); // same realm as the test
      expect(await b.handler({})).toMatchObject({ endpoint: 'http://b.invalid' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
