import { DescribeAutoScalingGroupsCommand, DescribeLaunchConfigurationsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeLaunchTemplatesCommand, DescribeLaunchTemplateVersionsCommand, GetInstanceMetadataDefaultsCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { parseScanArgs } from '../../cli/scan/args';
import { ClientPool, type RegionClients } from '../../cli/scan/clients';
import { BarProgress, NO_PROGRESS } from '../../cli/scan/progress';
import { scanRegion, scanTargets, type ScanPlan } from '../../cli/scan/scanner';
import { BufferStream } from '../../cli/io';
import { rule as instanceRule } from '../../lambda/rules/imdsv2-instance/handler';
import { subjectFromInstance } from '../../lambda/rules/imdsv2-instance/fetch';

const NOW = new Date('2026-06-01T00:00:00Z');
const INSTANCE = {
  InstanceId: 'i-0abc',
  State: { Name: 'running' as const },
  MetadataOptions: { HttpTokens: 'optional' as const, HttpEndpoint: 'enabled' as const, HttpPutResponseHopLimit: 2 },
  IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/app' },
  Tags: [{ Key: 'Owner', Value: 'payments' }],
};

function plan(argv: string[] = []): ScanPlan {
  const args = parseScanArgs(argv);
  return { parameters: args.parameters, ownerTag: args.ownerTag, listAll: true, concurrency: 2, now: NOW };
}

function mocked() {
  const pool = new ClientPool({ maxAttempts: 1 });
  const clients: RegionClients = pool.forRegion('us-east-1');
  const ec2 = mockClient(clients.rules.ec2);
  const asg = mockClient(clients.rules.autoscaling);
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [INSTANCE] }] });
  ec2.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [] });
  ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [] });
  ec2.on(GetInstanceMetadataDefaultsCommand).resolves({ AccountLevel: { HttpTokens: 'required' } });
  asg.on(DescribeLaunchConfigurationsCommand).resolves({ LaunchConfigurations: [] });
  asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
  return { pool, clients, ec2, asg };
}

const SELF = { accountId: '123456789012', self: true };

describe('scanRegion / scanTargets', () => {
  test('Verdicts are the rule\'s own evaluate() over the subject its own fetch builds', async () => {
    const { pool, clients } = mocked();
    const p = plan(['--max-hop-limit', '1']);
    const findings = await scanRegion(clients, '123456789012', p, NO_PROGRESS);
    const instance = findings.find((f) => f.kind === 'instance')!;
    const expected = instanceRule.evaluate(subjectFromInstance(INSTANCE, 'us-east-1'), p.parameters['imdsv2-instance'], NOW);
    expect(instance).toMatchObject({ id: 'i-0abc', accountId: '123456789012', verdict: expected.complianceType, annotation: expected.annotation, hopLimit: 2, instanceProfile: true, owner: 'payments' });
    expect(instance.annotation).toMatch(/hop limit 2 > max 1/);
    // The scan row's fix names the region it was found in.
    expect(instance.annotation).toMatch(/ --region us-east-1$/);
    expect(findings.find((f) => f.kind === 'account-default')).toMatchObject({ verdict: 'COMPLIANT', id: '123456789012', region: 'us-east-1' });
    pool.destroy();
  });

  test('An account default the endpoint cannot answer is UNKNOWN for the region, not a crash', async () => {
    const { pool, clients, ec2 } = mocked();
    ec2.on(GetInstanceMetadataDefaultsCommand).rejects(Object.assign(new Error('<html>500</html>'), { name: 'Error', $metadata: { httpStatusCode: 500 } }));
    const findings = await scanRegion(clients, '123456789012', { ...plan(), endpointUrl: 'http://127.0.0.1:5000' }, NO_PROGRESS);
    expect(findings.find((f) => f.kind === 'account-default')).toMatchObject({
      verdict: 'UNKNOWN',
      annotation: 'Could not read the account default (GetInstanceMetadataDefaults failed: HTTP 500). The endpoint http://127.0.0.1:5000 may not implement it (moto does not).',
    });
    pool.destroy();
  });

  test('A refused call marks the account/region not scanned, naming the action and region; the bar stays quiet after', async () => {
    const { pool, clients, ec2 } = mocked();
    ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' }));
    const { findings, outcomes } = await scanTargets(plan(), [SELF], ['us-east-1'], () => clients, NO_PROGRESS);
    expect(findings).toEqual([]);
    expect(outcomes).toEqual([expect.objectContaining({ accountId: '123456789012', region: 'us-east-1', status: 'failed', kind: 'access-denied' })]);
    expect(outcomes[0].reason).toMatch(/^access denied for DescribeInstances in us-east-1: UnauthorizedOperation/);

    const out = new BufferStream(true, 100);
    const bar = new BarProgress(out, 0);
    bar.finish();
    const before = out.text;
    bar.resources(5);
    bar.stepDone();
    expect(out.text).toBe(before);
    pool.destroy();
  });
});
