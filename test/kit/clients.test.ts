import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { build } from 'esbuild';
import { loadAutoScalingClient, loadEc2Client } from '../../lambda/kit/client-loaders';
import { createClients, lazyClients } from '../../lambda/kit/clients';
import { ClientNotLoadedError } from '../../lambda/kit/errors';

const ROOT = join(__dirname, '..', '..');
const options = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };

describe('lazyClients: EC2 and Auto Scaling clients are created on first use, from the loaders a handler names', () => {
  test('only the Config client exists until a rule uses another; then one instance is reused', () => {
    const calls: string[] = [];
    const clients = lazyClients(options, {
      ec2: () => (calls.push('ec2'), loadEc2Client()),
      autoscaling: () => (calls.push('autoscaling'), loadAutoScalingClient()),
    });
    expect(clients.config).toBeDefined();
    expect(calls).toEqual([]);
    const ec2 = clients.ec2;
    expect(ec2).toBeInstanceOf(EC2Client); // the paginators check instanceof
    expect(clients.ec2).toBe(ec2);
    expect(calls).toEqual(['ec2']);
    expect(clients.autoscaling).toBeInstanceOf(AutoScalingClient);
    expect(calls).toEqual(['ec2', 'autoscaling']);
  });

  test('a client the handler names no loader for: ClientNotLoadedError naming it (a wiring bug, not a verdict)', () => {
    const clients = lazyClients(options, { autoscaling: loadAutoScalingClient });
    expect(() => clients.ec2).toThrow(ClientNotLoadedError);
    expect(() => clients.ec2).toThrow('the ec2 client was used, but this rule');
  });

  test('createClients (tests, scanner, demo) has every client, with the shared SDK settings', async () => {
    const clients = createClients(options);
    expect(await clients.ec2.config.region()).toBe('us-east-1');
    expect(await clients.autoscaling.config.region()).toBe('us-east-1');
    expect(await clients.config.config.region()).toBe('us-east-1');
  });
});

describe('bundles hold only the clients their handler names (esbuild with lib/esbuild-options.json)', () => {
  const esbuildOptions = JSON.parse(readFileSync(join(ROOT, 'lib', 'esbuild-options.json'), 'utf8')) as Record<string, unknown>;
  const sdkPackagesIn = async (rule: string) => {
    const out = await build({ ...esbuildOptions, entryPoints: [join(ROOT, 'lambda', 'rules', rule, 'handler.ts')], write: false, metafile: true, outfile: 'index.js', logLevel: 'silent' });
    // What reached the output (files esbuild parsed but tree-shook away count 0 bytes there).
    const [output] = Object.values(out.metafile!.outputs);
    const packages = Object.entries(output.inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([p]) => /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(p)?.[1])
      .filter(Boolean);
    return [...new Set(packages)].sort();
  };

  test.each([
    ['imdsv2-launch-configuration', ['@aws-sdk/client-auto-scaling', '@aws-sdk/client-config-service']],
    ['imdsv2-instance', ['@aws-sdk/client-config-service', '@aws-sdk/client-ec2']],
    ['imdsv2-account-defaults', ['@aws-sdk/client-config-service', '@aws-sdk/client-ec2']],
    ['imdsv2-auto-scaling-group', ['@aws-sdk/client-auto-scaling', '@aws-sdk/client-config-service', '@aws-sdk/client-ec2']],
  ])('%s: %j', async (rule, expected) => {
    expect(await sdkPackagesIn(rule)).toEqual(expected);
  });
});
