import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  type Tag as AsgTag,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DescribeInstancesCommand,
  EC2Client,
  ModifyInstanceMetadataDefaultsCommand,
  RunInstancesCommand,
  type RequestLaunchTemplateData,
  type Tag,
} from '@aws-sdk/client-ec2';
import { mapLimit } from '../../lambda/kit/concurrency';
import { createInstanceProfile } from './iam';

/**
 * The demo estate: a payments company's AWS account a year into "we should turn on IMDSv2".
 * Some teams finished, some half-finished (a launch template whose default is fixed but whose
 * latest is not), some never started; a few instances still serve IMDSv1 calls every day.
 */

export const DEMO_REGIONS = ['us-east-1', 'eu-west-1'] as const;
export const EXEMPTION_TAG = 'imdsv2-exempt-until';
const AMI = 'ami-12c6146b';
const DAY = 86_400_000;

type Tokens = 'optional' | 'required';

interface InstanceSpec {
  readonly name: string;
  readonly owner?: string;
  readonly tokens: Tokens;
  readonly hop: number;
  readonly endpointDisabled?: boolean;
  readonly profile?: string;
  /** MetadataNoToken datapoints (IMDSv1 calls) to publish, one per day going back. */
  readonly imdsv1Calls?: readonly number[];
  readonly exemption?: 'active' | 'expired';
  readonly region?: (typeof DEMO_REGIONS)[number];
}

const team = (prefix: string, n: number, spec: Omit<InstanceSpec, 'name'>, calls: Record<number, number[]> = {}): InstanceSpec[] =>
  Array.from({ length: n }, (_, i) => ({ ...spec, name: `${prefix}-${i + 1}`, imdsv1Calls: calls[i + 1] }));

export const INSTANCES: readonly InstanceSpec[] = [
  ...team('payments-api', 4, { owner: 'payments', tokens: 'optional', hop: 1, profile: 'payments-app' }, { 1: [410, 388, 402, 395, 417], 2: [0, 0, 0] }),
  ...team('payments-worker', 3, { owner: 'payments', tokens: 'required', hop: 1, profile: 'payments-app' }),
  ...team('ledger-db', 3, { owner: 'ledger', tokens: 'optional', hop: 1, profile: 'ledger-db' }, { 1: [52, 61, 47] }),
  ...team('ledger-reconcile', 2, { owner: 'ledger', tokens: 'required', hop: 2 }),
  ...team('risk-scoring', 3, { owner: 'risk', tokens: 'optional', hop: 2, profile: 'risk-scoring' }, { 2: [2210, 2408, 2302, 2500] }),
  ...team('fraud-ml-train', 2, { owner: 'fraud-ml', tokens: 'optional', hop: 2, profile: 'fraud-ml' }),
  ...team('data-etl', 4, { owner: 'data-platform', tokens: 'required', hop: 2, profile: 'data-etl' }),
  { name: 'data-etl-sandbox', owner: 'data-platform', tokens: 'optional', hop: 1, endpointDisabled: true },
  ...team('bastion', 2, { owner: 'platform', tokens: 'optional', hop: 1, endpointDisabled: true }),
  ...team('treasury-gw', 2, { owner: 'treasury', tokens: 'optional', hop: 1, profile: 'treasury-gw' }),
  { name: 'kyc-batch-1', owner: 'compliance', tokens: 'optional', hop: 1, imdsv1Calls: [0, 0, 0, 0] },
  { name: 'legacy-report-1', tokens: 'optional', hop: 1, exemption: 'active' },
  { name: 'legacy-report-2', tokens: 'optional', hop: 1, exemption: 'expired' },
  { name: 'jenkins-agent-1', tokens: 'optional', hop: 2, profile: 'ci-agent' },
  ...team('treasury-gw-eu', 2, { owner: 'treasury', tokens: 'optional', hop: 1, profile: 'treasury-gw', region: 'eu-west-1' }),
  { name: 'payments-api-eu-1', owner: 'payments', tokens: 'required', hop: 1, profile: 'payments-app', region: 'eu-west-1' },
];

const PROFILES = [...new Set(INSTANCES.map((i) => i.profile).filter((p): p is string => !!p))];

export interface SeededEstate {
  /** Instance ids by Name tag. */
  readonly instances: ReadonlyMap<string, string>;
  readonly launchTemplates: ReadonlyMap<string, string>;
  readonly counts: { instances: number; launchTemplates: number; launchConfigurations: number; groups: number; metricSeries: number };
}

function tags(name: string, owner: string | undefined, extra: Record<string, string> = {}): Tag[] {
  return [{ Key: 'Name', Value: name }, ...(owner ? [{ Key: 'Owner', Value: owner }] : []), ...Object.entries(extra).map(([Key, Value]) => ({ Key, Value }))];
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export async function seedEstate(endpoint: string, motoUrl: string, now = new Date()): Promise<SeededEstate> {
  const common = { endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 2 };
  const ec2 = Object.fromEntries(DEMO_REGIONS.map((r) => [r, new EC2Client({ ...common, region: r })])) as Record<string, EC2Client>;
  const cw = Object.fromEntries(DEMO_REGIONS.map((r) => [r, new CloudWatchClient({ ...common, region: r })])) as Record<string, CloudWatchClient>;
  const asg = new AutoScalingClient({ ...common, region: 'us-east-1' });
  try {
    await Promise.all(PROFILES.map((p) => createInstanceProfile(motoUrl, p)));

    // Stand-alone instances, one RunInstances each (every one has its own name and settings). The
    // first EC2 call makes moto build the region's backend: done once per region before the burst,
    // then a few calls at a time (33 at once make moto's threads contend: 4 s instead of 0.7 s).
    for (const region of DEMO_REGIONS) await ec2[region].send(new DescribeInstancesCommand({}));
    const instances = new Map<string, string>();
    let metricSeries = 0;
    await mapLimit(INSTANCES, 4, async (spec) => {
      const region = spec.region ?? 'us-east-1';
      const exemption: Record<string, string> =
        spec.exemption === 'active'
          ? { [EXEMPTION_TAG]: `${isoDate(now.getTime() + 90 * DAY)} vendor reporting agent needs IMDSv1, ticket SEC-1432` }
          : spec.exemption === 'expired'
            ? { [EXEMPTION_TAG]: `${isoDate(now.getTime() - 30 * DAY)} SEC-1187` }
            : {};
      const out = await ec2[region].send(
        new RunInstancesCommand({
          ImageId: AMI,
          InstanceType: 't3.medium',
          MinCount: 1,
          MaxCount: 1,
          IamInstanceProfile: spec.profile ? { Name: spec.profile } : undefined,
          MetadataOptions: {
            HttpTokens: spec.tokens,
            HttpPutResponseHopLimit: spec.hop,
            HttpEndpoint: spec.endpointDisabled ? 'disabled' : 'enabled',
          },
          TagSpecifications: [{ ResourceType: 'instance', Tags: tags(spec.name, spec.owner, exemption) }],
        }),
      );
      const id = out.Instances?.[0]?.InstanceId ?? '';
      instances.set(spec.name, id);
      if (spec.imdsv1Calls?.length) {
        metricSeries += 1;
        await cw[region].send(
          new PutMetricDataCommand({
            Namespace: 'AWS/EC2',
            MetricData: spec.imdsv1Calls.map((value, day) => ({
              MetricName: 'MetadataNoToken',
              Dimensions: [{ Name: 'InstanceId', Value: id }],
              Timestamp: new Date(now.getTime() - (day + 1) * DAY + 3_600_000),
              Value: value,
              Unit: 'Count',
            })),
          }),
        );
      }
    });

    // Launch templates. payments-api: the default (v1) was fixed, then someone added a v2 without it.
    const launchTemplates = new Map<string, string>();
    const template = async (name: string, owner: string, versions: RequestLaunchTemplateData[]) => {
      const created = await ec2['us-east-1'].send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: name,
          LaunchTemplateData: versions[0],
          TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'Owner', Value: owner }] }],
        }),
      );
      const id = created.LaunchTemplate?.LaunchTemplateId ?? '';
      // moto ignores SourceVersion, so each later version carries its full data.
      for (const data of versions.slice(1)) await ec2['us-east-1'].send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, LaunchTemplateData: data }));
      launchTemplates.set(name, id);
    };
    const lt = (extra: Partial<RequestLaunchTemplateData>): RequestLaunchTemplateData => ({ ImageId: AMI, InstanceType: 't3.medium', ...extra });
    await template('payments-api-lt', 'payments', [
      lt({ MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 }, IamInstanceProfile: { Name: 'payments-app' } }),
      lt({ MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 }, IamInstanceProfile: { Name: 'payments-app' } }),
    ]);
    await template('risk-scoring-lt', 'risk', [lt({ IamInstanceProfile: { Name: 'risk-scoring' } })]);
    await template('data-etl-lt', 'data-platform', [lt({ MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } })]);
    await template('fraud-ml-lt', 'fraud-ml', [lt({ MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 }, IamInstanceProfile: { Name: 'fraud-ml' } })]);

    // Three launch configurations: deprecated, immutable, and still in use.
    const lc = (name: string, metadata?: { HttpTokens: Tokens; HttpPutResponseHopLimit: number }, profile?: string) =>
      asg.send(
        new CreateLaunchConfigurationCommand({
          LaunchConfigurationName: name,
          ImageId: AMI,
          InstanceType: 't3.medium',
          IamInstanceProfile: profile,
          MetadataOptions: metadata,
        }),
      );
    await lc('ledger-batch-lc-v7', { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 }, 'ledger-db');
    await lc('legacy-report-lc-v1');
    await lc('payments-cron-lc-v3', { HttpTokens: 'required', HttpPutResponseHopLimit: 1 }, 'payments-app');

    // Groups of every launch-source kind. Their instances keep the defaults moto launches them with
    // (IMDSv1 allowed), like real instances launched before their source was fixed: stale until refreshed.
    const groupTags = (owner: string): AsgTag[] => [{ Key: 'Owner', Value: owner, PropagateAtLaunch: true }];
    let groupInstances = 0;
    const group = (name: string, owner: string, size: number, source: Record<string, unknown>) => {
      groupInstances += size;
      return asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: name,
          MinSize: size,
          MaxSize: size,
          DesiredCapacity: size,
          AvailabilityZones: ['us-east-1a', 'us-east-1b'],
          Tags: groupTags(owner),
          ...source,
        }),
      );
    };
    await group('ledger-batch-asg', 'ledger', 2, { LaunchConfigurationName: 'ledger-batch-lc-v7' });
    await group('payments-cron-asg', 'payments', 2, { LaunchConfigurationName: 'payments-cron-lc-v3' });
    await group('payments-api-asg', 'payments', 3, { LaunchTemplate: { LaunchTemplateName: 'payments-api-lt', Version: '$Default' } });
    await group('risk-scoring-asg', 'risk', 2, { LaunchTemplate: { LaunchTemplateName: 'risk-scoring-lt', Version: '$Latest' } });
    await group('fraud-ml-asg', 'fraud-ml', 2, {
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateName: 'fraud-ml-lt', Version: '$Default' },
          Overrides: [{ InstanceType: 'm5.large' }, { InstanceType: 'm6i.large' }],
        },
      },
    });

    // Account defaults: us-east-1 never set one; eu-west-1 requires IMDSv2 for new launches.
    await ec2['eu-west-1'].send(new ModifyInstanceMetadataDefaultsCommand({ HttpTokens: 'required', HttpPutResponseHopLimit: 2 }));

    return {
      instances,
      launchTemplates,
      counts: { instances: INSTANCES.length + groupInstances, launchTemplates: 4, launchConfigurations: 3, groups: 5, metricSeries },
    };
  } finally {
    for (const c of [...Object.values(ec2), ...Object.values(cw), asg]) c.destroy();
  }
}
