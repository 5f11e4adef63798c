import { CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  autoScalingGroupItem,
  changeEvent,
  instanceItem,
  launchConfigurationItem,
  launchTemplateItem,
  loadBundle,
  motoClients,
  pool,
  scheduledEvent,
  sdkEnv,
  withEnv,
  type ConfigRuleEvent,
  type Front,
  type MotoServer,
} from '../../test/integration/harness';

export const REGION = 'us-east-1';
export const AMI = 'ami-12c6146b'; // one of moto's built-in AMIs

/** API calls one invocation made, counted at the front (the HTTP layer). */
export interface CallCount {
  readonly rule: string;
  readonly kind: 'change' | 'sweep';
  /** Resources listed (sweep) or evaluated (change). */
  readonly n: number;
  readonly source: 'moto' | 'synthetic';
  /** `first` run of a sweep (Config holds no results yet) or `steady` (it holds the previous run's). */
  readonly run?: 'first' | 'steady';
  readonly evaluations: number;
  readonly calls: number;
  readonly byOperation: Readonly<Record<string, number>>;
  /** Everything but PutEvaluations and the reads of what Config holds (GetComplianceDetailsByConfigRule). */
  readonly reads: number;
  readonly puts: number;
  readonly cleanupReads: number;
  readonly minimum: number;
  readonly minimumFormula: string;
  readonly ratio: number;
  readonly ms: number;
  readonly note?: string;
}

export function tally(
  calls: ReadonlyArray<{ operation: string }>,
  base: Omit<CallCount, 'calls' | 'byOperation' | 'reads' | 'puts' | 'cleanupReads' | 'ratio'>,
): CallCount {
  const byOperation: Record<string, number> = {};
  for (const c of calls) byOperation[c.operation] = (byOperation[c.operation] ?? 0) + 1;
  const puts = byOperation.PutEvaluations ?? 0;
  const cleanupReads = byOperation.GetComplianceDetailsByConfigRule ?? 0;
  return {
    ...base,
    calls: calls.length,
    byOperation,
    reads: calls.length - puts - cleanupReads,
    puts,
    cleanupReads,
    ratio: Math.round((calls.length / base.minimum) * 100) / 100,
  };
}

/** Runs a rule bundle in this process against the front, as Lambda would invoke it; returns the calls it made. */
export async function invokeCounted(front: Front, id: string, event: ConfigRuleEvent) {
  front.config.registerEvent(event);
  const before = front.calls.length;
  const env = { ...sdkEnv(front, REGION), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'WARN' };
  const started = Date.now();
  const context = { getRemainingTimeInMillis: () => 900_000 - (Date.now() - started) };
  const returned = (await withEnv(env, () => loadBundle(id).handler(event, context))) as unknown[];
  return { returned, calls: front.calls.slice(before), ms: Date.now() - started };
}

const ceil = Math.ceil;

/** One change notification per rule (the account rule is periodic only: its scheduled run). */
export async function changeEventCounts(moto: MotoServer, front: Front): Promise<CallCount[]> {
  const { ec2, autoscaling } = motoClients(moto.url);
  await moto.reset();
  front.reset();
  const out: CallCount[] = [];
  const record = async (
    rule: string,
    event: ConfigRuleEvent,
    minimum: number,
    minimumFormula: string,
    kind: 'change' | 'sweep' = 'change',
  ) => {
    const r = await invokeCounted(front, rule, event);
    out.push(tally(r.calls, { rule, kind, n: 1, source: 'moto', evaluations: r.returned.length, minimum, minimumFormula, ms: r.ms }));
  };

  const run = await ec2.send(
    new RunInstancesCommand({ ImageId: AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, MetadataOptions: { HttpTokens: 'optional' } }),
  );
  const instanceId = run.Instances![0].InstanceId!;
  await record('imdsv2-instance', changeEvent({ configurationItem: await instanceItem(ec2, instanceId) }), 1, '1 PutEvaluations (the item carries the metadata options)');

  const lt = await ec2.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: 'bench-lt', LaunchTemplateData: { ImageId: AMI, MetadataOptions: { HttpTokens: 'required' } } }),
  );
  const ltId = lt.LaunchTemplate!.LaunchTemplateId!;
  await record(
    'imdsv2-launch-template',
    changeEvent({ configurationItem: await launchTemplateItem(ec2, ltId) }),
    2,
    '1 DescribeLaunchTemplateVersions ($Default,$Latest) + 1 PutEvaluations',
  );

  await autoscaling.send(
    new CreateLaunchConfigurationCommand({ LaunchConfigurationName: 'bench-lc', ImageId: AMI, InstanceType: 't3.micro', MetadataOptions: { HttpTokens: 'optional' } }),
  );
  await record(
    'imdsv2-launch-configuration',
    changeEvent({ configurationItem: await launchConfigurationItem(autoscaling, 'bench-lc') }),
    1,
    '1 PutEvaluations (launch configurations are immutable: the item is enough)',
  );

  await autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'bench-asg',
      LaunchTemplate: { LaunchTemplateId: ltId, Version: '$Default' },
      MinSize: 2,
      MaxSize: 2,
      DesiredCapacity: 2,
      AvailabilityZones: ['us-east-1a'],
    }),
  );
  await record(
    'imdsv2-auto-scaling-group',
    changeEvent({ configurationItem: await autoScalingGroupItem(autoscaling, 'bench-asg') }),
    4,
    'DescribeAutoScalingGroups + DescribeLaunchTemplateVersions + DescribeInstances (its 2 instances) + PutEvaluations',
  );

  await record(
    'imdsv2-account-defaults',
    scheduledEvent({}),
    2,
    'GetInstanceMetadataDefaults + PutEvaluations (periodic only: no change trigger)',
    'sweep',
  );
  ec2.destroy();
  autoscaling.destroy();
  return out;
}

export interface Estate {
  readonly instances: number;
  readonly launchTemplates: number;
  readonly launchConfigurations: number;
  readonly seedMs: number;
}

/**
 * The 1,000-resource estate: instances (one RunInstances of up to 1,000: moto pages DescribeInstances
 * by reservation, and 1,000 instances are one page either way), launch templates and launch
 * configurations, every third one still allowing IMDSv1.
 */
export async function seedEstate(moto: MotoServer, n: number): Promise<Estate> {
  const { ec2, autoscaling } = motoClients(moto.url);
  const started = Date.now();
  await moto.reset();
  const runs = Math.ceil(n / 1000);
  for (let r = 0; r < runs; r++) {
    const count = Math.min(1000, n - r * 1000);
    // Two reservations per run call so both verdicts appear (moto gives a reservation one set of options).
    const optional = Math.floor(count / 3);
    for (const [c, tokens] of [
      [optional, 'optional'],
      [count - optional, 'required'],
    ] as const) {
      if (c > 0) {
        await ec2.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: 't3.micro', MinCount: c, MaxCount: c, MetadataOptions: { HttpTokens: tokens } }));
      }
    }
  }
  await pool(n, 8, (i) =>
    ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `bench-lt-${String(i).padStart(5, '0')}`,
        LaunchTemplateData: { ImageId: AMI, MetadataOptions: { HttpTokens: i % 3 === 0 ? 'optional' : 'required' } },
      }),
    ),
  );
  await pool(n, 8, (i) =>
    autoscaling.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: `bench-lc-${String(i).padStart(5, '0')}`,
        ImageId: AMI,
        InstanceType: 't3.micro',
        MetadataOptions: { HttpTokens: i % 3 === 0 ? 'optional' : 'required', HttpPutResponseHopLimit: 1 },
      }),
    ),
  );
  ec2.destroy();
  autoscaling.destroy();
  return { instances: n, launchTemplates: n, launchConfigurations: n, seedMs: Date.now() - started };
}

/** Adds instances to moto in reservations of 1,000 (moto then answers DescribeInstances in one page). */
export async function addInstances(moto: MotoServer, count: number): Promise<void> {
  const { ec2 } = motoClients(moto.url);
  for (let done = 0; done < count; done += 1000) {
    const c = Math.min(1000, count - done);
    await ec2.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: 't3.micro', MinCount: c, MaxCount: c, MetadataOptions: { HttpTokens: 'required' } }));
  }
  ec2.destroy();
}

/**
 * The fewest calls a sweep that records only what changed can make: the describes at the largest page,
 * the reads of what Config holds (GetComplianceDetailsByConfigRule, 100 a call, at least one), and one
 * PutEvaluations per 100 evaluations that had to be sent (`changed`: new, different, or stale).
 */
export const sweepMinimum: Record<string, (n: number, held: number, changed: number) => { minimum: number; formula: string }> = {
  'imdsv2-instance': (n, held, changed) => ({
    minimum: ceil(n / 1000) + resultReads(held) + ceil(changed / 100),
    formula: `ceil(N/1000) DescribeInstances + max(1, ceil(held/100)) GetComplianceDetailsByConfigRule + ceil(changed/100) PutEvaluations`,
  }),
  'imdsv2-launch-template': (n, held, changed) => ({
    minimum: ceil(n / 200) + ceil((2 * n) / 200) + resultReads(held) + ceil(changed / 100),
    formula: `ceil(N/200) DescribeLaunchTemplates (tags) + ceil(2N/200) account-wide DescribeLaunchTemplateVersions ($Default,$Latest) + max(1, ceil(held/100)) GetComplianceDetailsByConfigRule + ceil(changed/100) PutEvaluations`,
  }),
  'imdsv2-launch-configuration': (n, held, changed) => ({
    minimum: ceil(n / 100) + resultReads(held) + ceil(changed / 100),
    formula: `ceil(N/100) DescribeLaunchConfigurations + max(1, ceil(held/100)) GetComplianceDetailsByConfigRule + ceil(changed/100) PutEvaluations`,
  }),
};

const resultReads = (held: number): number => Math.max(1, ceil(held / 100));

/**
 * A periodic sweep over the estate, twice: the first run (Config holds no results), then the steady
 * state (it holds the first run's, which the stale-result clean-up reads back, 100 a call).
 */
export async function sweepCounts(front: Front, rule: string, n: number, note?: string): Promise<CallCount[]> {
  front.reset();
  const out: CallCount[] = [];
  for (const run of ['first', 'steady'] as const) {
    const ruleName = `bench-${rule}`;
    const held = front.config.allResults(ruleName).length;
    const event = scheduledEvent({ ruleName });
    const r = await invokeCounted(front, rule, event);
    const { minimum, formula } = sweepMinimum[rule](n, held, r.returned.length);
    out.push(tally(r.calls, { rule, kind: 'sweep', n, source: 'moto', run, evaluations: r.returned.length, minimum, minimumFormula: formula, ms: r.ms, note }));
  }
  return out;
}
