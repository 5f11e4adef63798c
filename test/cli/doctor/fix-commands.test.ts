import { judgeAccountDefaults, judgeDeliveryChannel, judgeRecorder, judgeRecorderStatus, judgeRule, judgeSecurityHub } from '../../../cli/doctor/judge';
import { stackInstanceRow } from '../../../cli/doctor/stack-set';
import { configRuleName } from '../../../lambda/kit/rule-definition';
import { RULES } from '../../../lambda/rules/catalog';
import { awsCliAccepts } from '../../support/aws-cli';

/**
 * Every `aws …` command doctor prints as a fix, from every path that prints one, is accepted by the
 * real AWS CLI (parsed and validated against the service model: see test/support/aws-cli.ts).
 */

const where = { accountId: '111122223333', region: 'eu-west-1' };
const instance = RULES.find((r) => r.id === 'imdsv2-instance')!;
const asg = RULES.find((r) => r.id === 'imdsv2-auto-scaling-group')!;
const rule = (name: string) => ({ ConfigRuleName: name, ConfigRuleState: 'ACTIVE' as const, Source: { Owner: 'CUSTOM_LAMBDA' as const, SourceIdentifier: `arn:aws:lambda:eu-west-1:111122223333:function:${name}-fn` } });
const recorder = { name: 'default', roleARN: 'arn:aws:iam::111122223333:role/config' };

const fixes: string[] = [
  judgeRecorder([], where),
  judgeRecorder([{ ...recorder, recordingGroup: { allSupported: false, resourceTypes: ['AWS::EC2::Instance'] as never } }], where),
  judgeRecorder([{ ...recorder, recordingGroup: { allSupported: false, exclusionByResourceTypes: { resourceTypes: ['AWS::EC2::LaunchTemplate', 'AWS::S3::Bucket'] as never }, recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' } } }], where),
  judgeRecorder([{ ...recorder, recordingGroup: { allSupported: true }, recordingMode: { recordingFrequency: 'DAILY' } }], where),
  judgeRecorderStatus([{ ...recorder, recordingGroup: { allSupported: true } }], [{ name: 'default', recording: false }], where),
  judgeRecorderStatus([{ ...recorder, recordingGroup: { allSupported: true } }], [{ name: 'default', recording: true, lastStatus: 'Failure', lastErrorCode: 'X' }], where),
  judgeDeliveryChannel([], where),
  judgeRule({ def: instance, rules: [rule('imdsv2-instance')], prefix: '', status: { ConfigRuleName: 'imdsv2-instance', LastErrorCode: 'E', LastFailedInvocationTime: new Date() } }, where),
  judgeRule({ def: instance, rules: [rule('imdsv2-instance')], prefix: '', status: { ConfigRuleName: 'imdsv2-instance', FirstEvaluationStarted: false } }, where),
  judgeRule({ def: instance, rules: [rule('imdsv2-instance')], prefix: '', activity: { hours: 25, invocations: 2, errors: 1 } }, where),
  judgeRule({ def: asg, rules: [rule(configRuleName(instance, '', true))], prefix: '' }, where),
  judgeSecurityHub(undefined, true, where),
  ...judgeAccountDefaults({}, where),
]
  .map((c) => c.fix ?? '')
  .concat(
    [
      { Account: '444455556666', Region: 'eu-west-1', Status: 'OUTDATED' as const, StatusReason: 'Configuration recorder is not available', OrganizationalUnitId: 'ou-ab12-cdefgh34' },
      { Account: '444455556666', Region: 'eu-west-1', Status: 'OUTDATED' as const, StatusReason: 'Something else' },
      { Account: '444455556666', Region: 'eu-west-1', Status: 'INOPERABLE' as const, OrganizationalUnitId: 'ou-ab12-cdefgh34' },
    ].map((i) => stackInstanceRow({ name: 'imdsv2-guard', region: 'us-east-1', callAs: 'DELEGATED_ADMIN' }, i).fix ?? ''),
  );

/** The `aws …` commands inside a fix: the command words, then its options and their values. */
function awsCommands(fix: string): string[] {
  return [...fix.matchAll(/aws [a-z0-9-]+ [a-z0-9-]+(?: --[a-z0-9-]+(?: (?:'[^']*'|[^\s'();-][^\s'();]*))?)*/g)].map((m) => m[0].replace(/[,.]$/, ''));
}

test('every fix command doctor prints is accepted by the AWS CLI', async () => {
  const commands = fixes.flatMap(awsCommands);
  // Each path above prints at least one aws command, except the missing-rule one (a StackSet step).
  expect(commands.length).toBeGreaterThanOrEqual(fixes.length - 1);
  expect(commands.some((c) => c.startsWith('aws configservice put-configuration-recorder --configuration-recorder \''))).toBe(true);
  expect(commands.some((c) => c.startsWith('aws cloudformation update-stack-instances'))).toBe(true);
  expect(commands.some((c) => c.startsWith('aws cloudformation delete-stack-instances'))).toBe(true);
  expect((await awsCliAccepts(commands)).filter((v) => !v.ok)).toEqual([]);
}, 400_000);
