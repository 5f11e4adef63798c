import { CloudFormationClient, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { stackSetStatus } from '../../../cli/doctor/stack-set';
import { exitCodeFor, problemsOf } from '../../../cli/doctor/report';

/**
 * Failed, outdated and paged StackSet instances: moto 5.2.1 lists every instance as CURRENT /
 * SUCCEEDED on one page, so these statuses come from aws-sdk-client-mock (the moto case is in
 * test/integration/doctor.test.ts).
 */

const cfn = mockClient(CloudFormationClient);
afterEach(() => cfn.reset());

const q = { name: 'imdsv2-guard', region: 'us-east-1', callAs: 'DELEGATED_ADMIN' as const };

test('Noncompliance 1: an instance without a Config recorder is named with its reason and a retry through its OU; pages are followed', async () => {
  cfn
    .on(ListStackInstancesCommand, { NextToken: undefined })
    .resolves({
      Summaries: [{ Account: '222222222222', Region: 'eu-west-1', Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' }, OrganizationalUnitId: 'ou-ab12-cdefgh34' }],
      NextToken: 'p2',
    })
    .on(ListStackInstancesCommand, { NextToken: 'p2' })
    .resolves({
      Summaries: [
        {
          Account: '111111111111',
          Region: 'eu-west-1',
          Status: 'OUTDATED',
          StatusReason: 'ResourceLogicalId:InstanceRule, ResourceType:AWS::Config::ConfigRule, ResourceStatusReason:Configuration recorder is not available to put Config rule (Service: Config, Status Code: 400, Request ID: x).',
          StackInstanceStatus: { DetailedStatus: 'FAILED' },
          OrganizationalUnitId: 'ou-ab12-cdefgh34',
        },
      ],
    });
  const report = await stackSetStatus(new CloudFormationClient({ region: 'us-east-1' }), q);
  expect(report.instances.map((i) => [i.accountId, i.region, i.ok])).toEqual([
    ['111111111111', 'eu-west-1', false],
    ['222222222222', 'eu-west-1', true],
  ]);
  const failed = report.instances[0];
  expect(failed.fix).toContain('turn on AWS Config recording in 111111111111/eu-west-1');
  expect(failed.fix).toContain(
    'aws cloudformation update-stack-instances --stack-set-name imdsv2-guard --deployment-targets OrganizationalUnitIds=ou-ab12-cdefgh34,Accounts=111111111111,AccountFilterType=INTERSECTION --regions eu-west-1 --region us-east-1 --call-as DELEGATED_ADMIN',
  );
  const problems = problemsOf({ generatedAt: new Date(), targets: [], stackSet: report });
  expect(problems).toEqual([expect.objectContaining({ accountId: '111111111111', region: 'eu-west-1', check: 'stack-set:imdsv2-guard', status: 'fail', detail: expect.stringContaining('OUTDATED/FAILED: ResourceLogicalId:InstanceRule') })]);
  expect(exitCodeFor({ generatedAt: new Date(), targets: [], stackSet: report })).toBe(1);
  expect(cfn.commandCalls(ListStackInstancesCommand).map((c) => c.args[0].input.CallAs)).toEqual(['DELEGATED_ADMIN', 'DELEGATED_ADMIN']);
});

test('Noncompliance 2: INOPERABLE and in-progress instances are not current', async () => {
  cfn.on(ListStackInstancesCommand).resolves({
    Summaries: [
      { Account: '111111111111', Region: 'us-east-1', Status: 'INOPERABLE', StackInstanceStatus: { DetailedStatus: 'INOPERABLE' } },
      { Account: '222222222222', Region: 'us-east-1', Status: 'OUTDATED', StackInstanceStatus: { DetailedStatus: 'RUNNING' } },
    ],
  });
  const report = await stackSetStatus(new CloudFormationClient({ region: 'us-east-1' }), q);
  expect(report.instances.map((i) => i.ok)).toEqual([false, false]);
  expect(report.instances[0].fix).toContain('delete-stack-instances');
  expect(report.instances[0].fix).toContain('--retain-stacks');
  expect(report.instances[1].fix).toContain('in progress');
});

test('Noncompliance 3: access denied is reported as not read, naming the action', async () => {
  cfn.on(ListStackInstancesCommand).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDenied' }));
  const report = await stackSetStatus(new CloudFormationClient({ region: 'us-east-1' }), q);
  expect(report.error).toContain('not allowed');
  expect(report.fix).toContain('cloudformation:ListStackInstances');
});
