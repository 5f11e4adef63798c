import { AutoScalingClient, CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, EC2Client, RunInstancesCommand, type Tag } from '@aws-sdk/client-ec2';
import { spawnSync } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createInstanceProfile } from '../../cli/demo/iam';
import { runCli, startFront, startMoto, type ChildRun, type Front, type MotoServer } from './harness';
import { classify, errorResponse } from './harness';

/**
 * `imdsv2-guard scan` run as users run it (node bin/imdsv2-guard.js, a child process) against moto,
 * through the harness front, which stands in for EC2 GetInstanceMetadataDefaults (moto lacks it).
 */

const ROOT = resolve(__dirname, '..', '..');
const AMI = 'ami-12c6146b';

/** `scan` as users run it. The child's environment: fake keys, nothing from this machine's AWS config. */
function scan(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<ChildRun> {
  return runCli(['scan', ...args], { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env });
}

/** RFC 4180, enough for our own output. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      (row = []), (field = ''), i++;
    } else field += c;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

interface JsonReport {
  regions: string[];
  totals: Record<string, number>;
  summary: Array<{ region: string; kind: string; total: number; nonCompliant: number }>;
  resources: Array<Record<string, any>>;
}

let moto: MotoServer;
let front: Front;

const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const client = <C>(Ctor: new (c: object) => C, region = 'us-east-1') => new Ctor({ region, endpoint: front.url, credentials: creds, maxAttempts: 2 });

function tags(name: string, owner?: string): Tag[] {
  return [{ Key: 'Name', Value: name }, ...(owner ? [{ Key: 'Owner', Value: owner }] : [])];
}

async function runInstance(ec2: EC2Client, name: string, tokens: 'optional' | 'required', hop: number, opts: { owner?: string; profile?: string } = {}) {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: AMI,
      MinCount: 1,
      MaxCount: 1,
      IamInstanceProfile: opts.profile ? { Name: opts.profile } : undefined,
      MetadataOptions: { HttpTokens: tokens, HttpPutResponseHopLimit: hop, HttpEndpoint: 'enabled' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: tags(name, opts.owner) }],
    }),
  );
  return out.Instances![0].InstanceId!;
}

beforeAll(async () => {
  // The bin shim runs dist/cli/imdsv2-guard.js when present: build it from the current sources.
  const built = spawnSync(process.execPath, [join(ROOT, 'cli', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the CLI bundle failed:\n${built.stderr}${built.stdout}`);
  moto = await startMoto();
  front = await startFront({ upstream: moto.url });
});

afterAll(async () => {
  await front?.stop();
  await moto?.stop();
});

describe('a mixed estate (front stands in for GetInstanceMetadataDefaults)', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await moto.reset();
    front.reset();
    const ec2 = client(EC2Client);
    const asg = client(AutoScalingClient);
    const cw = client(CloudWatchClient);
    try {
      await createInstanceProfile(moto.url, 'payments-app');
      ids.exposed = await runInstance(ec2, 'payments-api-1', 'optional', 2, { owner: 'payments', profile: 'payments-app' });
      ids.good = await runInstance(ec2, 'payments-worker-1', 'required', 1, { owner: 'payments', profile: 'payments-app' });
      ids.orphan = await runInstance(ec2, 'legacy-1', 'optional', 1);
      const lt = await ec2.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: 'payments-lt',
          LaunchTemplateData: { ImageId: AMI, MetadataOptions: { HttpTokens: 'required' } },
          TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'Owner', Value: 'payments' }] }],
        }),
      );
      ids.template = lt.LaunchTemplate!.LaunchTemplateId!;
      await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: ids.template, LaunchTemplateData: { ImageId: AMI, MetadataOptions: { HttpTokens: 'optional' } } }));
      await asg.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: 'batch-lc', ImageId: AMI, InstanceType: 't3.micro', MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 } }));
      await asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: 'payments-asg',
          LaunchTemplate: { LaunchTemplateId: ids.template, Version: '$Default' },
          MinSize: 1,
          MaxSize: 1,
          DesiredCapacity: 1,
          AvailabilityZones: ['us-east-1a'],
        }),
      );
      front.ec2.setAccountDefaults('us-east-1', { httpTokens: 'required' });
      // Five and seven IMDSv1 calls on two days: the sum --usage must report.
      await cw.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/EC2',
          MetricData: [5, 7].map((Value, day) => ({
            MetricName: 'MetadataNoToken',
            Dimensions: [{ Name: 'InstanceId', Value: ids.exposed }],
            Timestamp: new Date(Date.now() - (day + 1) * 86_400_000),
            Value,
            Unit: 'Count',
          })),
        }),
      );
    } finally {
      ec2.destroy();
      asg.destroy();
      cw.destroy();
    }
  });

  test('Noncompliance 1: json lists what needs work, ranked (instance profile first), and exits 1', async () => {
    const r = await scan(['--endpoint-url', front.url, '--region', 'us-east-1', '--format', 'json']);
    expect(r.stderr).toMatch(/scanned us-east-1: 4 instances, 1 launch template, 1 launch configuration, 1 Auto Scaling group/);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as JsonReport;
    const byId = new Map(doc.resources.map((x) => [x.id, x]));
    expect(doc.resources[0]).toMatchObject({
      id: ids.exposed,
      name: 'payments-api-1',
      type: 'instance',
      region: 'us-east-1',
      verdict: 'NON_COMPLIANT',
      reason: 'Does not require IMDSv2: HttpTokens=optional.',
      hopLimit: 2,
      instanceProfile: true,
      owner: 'payments',
    });
    expect(byId.has(ids.good)).toBe(false);
    expect(byId.get(ids.orphan)).toMatchObject({ verdict: 'NON_COMPLIANT', instanceProfile: false, owner: null });
    expect(byId.get(ids.template)).toMatchObject({ type: 'launch-template', verdict: 'NON_COMPLIANT', reason: expect.stringContaining('v2 $Latest: HttpTokens=optional') });
    expect(doc.resources.find((x) => x.type === 'launch-configuration')).toMatchObject({ name: 'batch-lc', hopLimit: 2, id: expect.stringMatching(/^arn:aws:autoscaling:/) });
    // moto launches group instances with default options: the group is stale even though its source is fixed.
    expect(doc.resources.find((x) => x.type === 'auto-scaling-group')).toMatchObject({ name: 'payments-asg', reason: expect.stringMatching(/still accept IMDSv1/) });
    expect(doc.resources.some((x) => x.type === 'account-default')).toBe(false); // us-east-1 requires IMDSv2
    expect(doc.summary.find((c) => c.region === 'us-east-1' && c.kind === 'instance')).toMatchObject({ total: 4, nonCompliant: 3 });
  });

  test('Noncompliance 2: csv has the columns and the same rows', async () => {
    const r = await scan(['--endpoint-url', front.url, '--region', 'us-east-1', '--format', 'csv', '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\r\n')[0]).toBe('account_id,id,name,type,region,verdict,hop_limit,instance_profile,owner,imdsv1_calls,reason,fix,resource_type,rule');
    const rows = parseCsv(r.stdout);
    expect(rows[0]).toMatchObject({ account_id: '123456789012', id: ids.exposed, type: 'instance', verdict: 'NON_COMPLIANT', hop_limit: '2', instance_profile: 'yes', owner: 'payments', resource_type: 'AWS::EC2::Instance', rule: 'imdsv2-instance' });
    expect(rows[0].fix).toMatch(new RegExp(`^Fix: aws ec2 modify-instance-metadata-options --instance-id ${ids.exposed} --http-tokens required`));
    // Every row's fix command names the region the resource was found in.
    for (const row of rows.filter((x) => x.fix.includes('aws '))) expect(row.fix).toContain('--region us-east-1');
    expect(rows.map((x) => x.type).sort()).toEqual(['auto-scaling-group', 'instance', 'instance', 'instance', 'launch-configuration', 'launch-template']);
  });

  test('Noncompliance 3: the table groups by owner and ends with the summary', async () => {
    const r = await scan(['--endpoint-url', front.url, '--region', 'us-east-1']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^imdsv2-guard scan · account 123456789012 · us-east-1 · /);
    expect(lines).toContain('Owner: payments  (2 to fix, 1 with an instance profile)');
    expect(lines.find((l) => l.includes(ids.exposed))).toMatch(/payments-api-1\)\s+instance\s+us-east-1\s+NON_COMPLIANT\s+2\s+yes\s+Does not require IMDSv2/);
    expect(r.stdout).toMatch(/us-east-1\s+3\/4\s+1\/1\s+1\/1\s+1\/1\s+COMPLIANT/);
    expect(r.stdout).toMatch(/Result: 6 non-compliant, 2 compliant \(8 scanned in 1 region\)\./);
  });

  test('A second region with no resources is scanned and reported, empty', async () => {
    const r = await scan(['--endpoint-url', front.url, '--region', 'us-east-1', '--region', 'eu-west-1', '--format', 'json', '--all']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as JsonReport;
    expect(doc.regions).toEqual(['us-east-1', 'eu-west-1']);
    const eu = doc.summary.filter((c) => c.region === 'eu-west-1');
    expect(eu.filter((c) => c.kind !== 'account-default').every((c) => c.total === 0)).toBe(true);
    // No default set in eu-west-1: the account rule's verdict for "no preference".
    expect(doc.resources.find((x) => x.type === 'account-default' && x.region === 'eu-west-1')).toMatchObject({
      verdict: 'NON_COMPLIANT',
      reason: expect.stringContaining('eu-west-1 defaults: HttpTokens=no preference'),
    });
    expect(doc.resources.find((x) => x.type === 'account-default' && x.region === 'us-east-1')).toMatchObject({ verdict: 'COMPLIANT' });
    expect(doc.resources.filter((x) => x.region === 'eu-west-1')).toHaveLength(1);
  });

  test('--usage adds the MetadataNoToken sum: 12 calls seen; none recorded is null', async () => {
    const r = await scan(['--endpoint-url', front.url, '--region', 'us-east-1', '--format', 'json', '--usage', '--usage-days', '7']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as JsonReport & { usageDays: number };
    expect(doc.usageDays).toBe(7);
    const byId = new Map(doc.resources.map((x) => [x.id, x]));
    expect(byId.get(ids.exposed)?.metadataNoToken).toBe(12);
    expect(byId.get(ids.orphan)?.metadataNoToken).toBeNull();
    const table = await scan(['--endpoint-url', front.url, '--region', 'us-east-1', '--usage']);
    expect(table.stdout).toMatch(/IMDSv1 CALLS \(14d\)/);
    expect(table.stdout.split('\n').find((l) => l.includes(ids.exposed))).toMatch(/\byes\s+12\s+Does not/);
  });

  test('Rule flags reach the evaluators: --versions default passes the template, --max-hop-limit 1 fails hop 2', async () => {
    const r = await scan(['--endpoint-url', front.url, '--region', 'us-east-1', '--format', 'json', '--all', '--versions', 'default', '--max-hop-limit', '1']);
    const doc = JSON.parse(r.stdout) as JsonReport;
    expect(doc.resources.find((x) => x.id === ids.template)).toMatchObject({ verdict: 'COMPLIANT' });
    expect(doc.resources.find((x) => x.id === ids.exposed)?.reason).toMatch(/hop limit 2 > max 1/);
  });
});

describe('exit codes 0 and 2', () => {
  beforeAll(async () => {
    await moto.reset();
    front.reset();
    const ec2 = client(EC2Client);
    try {
      await runInstance(ec2, 'good-1', 'required', 1, { owner: 'payments' });
      await runInstance(ec2, 'good-2', 'required', 2, { owner: 'risk' });
    } finally {
      ec2.destroy();
    }
    front.ec2.setAccountDefaults('us-east-1', { httpTokens: 'required', httpTokensEnforced: 'enabled' });
  });

  test('Compliance: an all-compliant estate exits 0', async () => {
    const r = await scan(['--endpoint-url', front.url, '--region', 'us-east-1']);
    expect(r.stderr).toMatch(/scanned us-east-1: 2 instances/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Nothing needs work: every resource scanned requires IMDSv2 or is exempt\./);
    expect(r.stdout).toMatch(/Result: 0 non-compliant, 3 compliant/);
  });

  test('Usage errors exit 2 with the reason', async () => {
    const bad = await scan(['--endpoint-url', front.url, '--region', 'us-east-1', '--format', 'xml']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/--format: expected one of table, json, csv, html, got "xml"/);
    const param = await scan(['--region', 'us-east-1', '--max-hop-limit', '0']);
    expect(param.code).toBe(2);
    expect(param.stderr).toMatch(/--max-hop-limit: must be between 1 and 64, got 0/);
  });

  test('No region anywhere is a usage error', async () => {
    const r = await scan(['--endpoint-url', front.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no region to scan: pass --region/);
  });

  test('No credentials: exit 2, and the message says how to provide them', async () => {
    const r = await scan(['--endpoint-url', front.url, '--region', 'us-east-1'], { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no AWS credentials found/);
    expect(r.stderr).toMatch(/--profile/);
  });

  describe('through a proxy that refuses ec2:DescribeInstances (an identity without that permission)', () => {
    let proxy: Server;
    let url: string;

    beforeAll(async () => {
      const upstream = new URL(front.url);
      proxy = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks);
          const parsed = classify(req.method ?? 'GET', req.url ?? '/', req.headers, body);
          if (parsed.operation === 'DescribeInstances') {
            // What EC2 answers an identity whose policy lacks the action.
            const denied = errorResponse(parsed, 403, 'UnauthorizedOperation', 'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: ec2:DescribeInstances');
            res.writeHead(denied.status, denied.headers);
            res.end(denied.body);
            return;
          }
          const up = request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent: false }, (upRes) => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          });
          up.on('error', () => res.destroy());
          up.end(body);
        });
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    });

    test('Access denied exits 2 naming the refused action and the region, with no report', async () => {
      const r = await scan(['--endpoint-url', url, '--region', 'us-east-1', '--format', 'json']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^imdsv2-guard scan: access denied for ec2:DescribeInstances in us-east-1: UnauthorizedOperation: You are not authorized/m);
      expect(r.stderr).toMatch(/Grant ec2:DescribeInstances/);
    });
  });

  test('Straight to moto, which lacks GetInstanceMetadataDefaults: a per-region UNKNOWN finding, not a crash (exit 1)', async () => {
    const r = await scan(['--endpoint-url', moto.url, '--region', 'us-east-1', '--format', 'json', '--max-attempts', '2']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as JsonReport;
    expect(doc.resources).toEqual([
      expect.objectContaining({
        type: 'account-default',
        region: 'us-east-1',
        verdict: 'UNKNOWN',
        reason: expect.stringMatching(/^Could not read the account default \(ec2:GetInstanceMetadataDefaults failed: HTTP 500\)\. The endpoint .* may not implement it/),
      }),
    ]);
    expect(doc.totals).toMatchObject({ compliant: 2, unknown: 1 });
  });
});
