import type { ConfigRule, ConfigurationRecorder, RecordingGroup } from '@aws-sdk/client-config-service';
import {
  judgeAccountDefaults,
  judgeRecorder,
  judgeRecorderStatus,
  judgeRule,
  judgeSecurityHub,
  RECORDED_TYPES,
  ruleNames,
  typesNotRecorded,
} from '../../../cli/doctor/judge';
import { configRuleName } from '../../../lambda/kit/rule-definition';
import { RULES } from '../../../lambda/rules/catalog';

const where = { accountId: '111122223333', region: 'eu-west-1' };
const [LC, ASG] = ['AWS::AutoScaling::LaunchConfiguration', 'AWS::AutoScaling::AutoScalingGroup'];

describe('typesNotRecorded: every recording group shape of the Config API reference', () => {
  const cases: Array<[string, RecordingGroup | undefined, string[]]> = [
    ['Compliance: no recording group (the API default: every supported type)', undefined, []],
    ['Compliance: allSupported', { allSupported: true }, []],
    ['Compliance: ALL_SUPPORTED_RESOURCE_TYPES strategy', { allSupported: true, recordingStrategy: { useOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' } }, []],
    ['Compliance: inclusion listing the four types and more', { allSupported: false, resourceTypes: [...RECORDED_TYPES, 'AWS::S3::Bucket'] as never }, []],
    ['Noncompliance 1: inclusion without the Auto Scaling types', { allSupported: false, resourceTypes: ['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate'] as never, recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' } }, [LC, ASG]],
    ['Noncompliance 2: inclusion by list without a strategy', { allSupported: false, resourceTypes: ['AWS::S3::Bucket'] as never }, [...RECORDED_TYPES]],
    ['Compliance: exclusion of types not needed', { allSupported: false, exclusionByResourceTypes: { resourceTypes: ['AWS::S3::Bucket'] as never }, recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' } }, []],
    ['Noncompliance 3: exclusion of launch configurations', { allSupported: false, exclusionByResourceTypes: { resourceTypes: [LC, 'AWS::S3::Bucket'] as never }, recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' } }, [LC]],
    // The strategy decides: a stale resourceTypes list next to EXCLUSION is not what is recorded.
    ['Compliance: EXCLUSION strategy wins over a stale inclusion list', { allSupported: false, resourceTypes: [] as never, exclusionByResourceTypes: { resourceTypes: [] as never }, recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' } }, []],
  ];
  test.each(cases)('%s', (_name, group, missing) => {
    expect(typesNotRecorded(group)).toEqual(missing);
  });

  test('the four types come from the rule catalog (the change-triggered rules)', () => {
    expect(RECORDED_TYPES).toEqual(['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate', LC, ASG]);
  });
});

describe('judgeRecorder', () => {
  const recorder = (group: RecordingGroup, extra: Partial<ConfigurationRecorder> = {}): ConfigurationRecorder => ({ name: 'rec', roleARN: 'arn:aws:iam::111122223333:role/cfg', recordingGroup: group, ...extra });

  test('Noncompliance 1: only a service-linked recorder: no customer managed recorder, fix creates one', () => {
    const r = judgeRecorder([{ name: 'AWSConfigurationRecorderForX', servicePrincipal: 'x.amazonaws.com', recordingGroup: { allSupported: true } }], where);
    expect(r.status).toBe('fail');
    expect(r.detail).toContain('1 service-linked recorder(s) only');
    expect(r.fix).toContain('AWSServiceRoleForConfig');
    expect(r.fix).toContain('--region eu-west-1');
  });

  test('Noncompliance 2: exclusion of the Auto Scaling group type: the fix drops it from the exclusions and keeps the rest and the recording mode', () => {
    const r = judgeRecorder(
      [
        recorder(
          { allSupported: false, exclusionByResourceTypes: { resourceTypes: [ASG, 'AWS::S3::Bucket'] as never }, recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' } },
          { recordingMode: { recordingFrequency: 'CONTINUOUS' } },
        ),
      ],
      where,
    );
    expect(r.status).toBe('fail');
    const json = JSON.parse(/--configuration-recorder '(.*)' --region eu-west-1$/.exec(r.fix!)![1]);
    expect(json).toEqual({
      name: 'rec',
      roleARN: 'arn:aws:iam::111122223333:role/cfg',
      recordingGroup: { allSupported: false, includeGlobalResourceTypes: false, exclusionByResourceTypes: { resourceTypes: ['AWS::S3::Bucket'] }, recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' } },
      recordingMode: { recordingFrequency: 'CONTINUOUS' },
    });
  });

  test('Noncompliance 3: daily recording of the four types is a warning (changes are evaluated at most daily)', () => {
    const r = judgeRecorder([recorder({ allSupported: true }, { recordingMode: { recordingFrequency: 'DAILY' } })], where);
    expect(r).toMatchObject({ status: 'warn', detail: expect.stringContaining('daily') });
  });

  test('Compliance: daily by default but the four types overridden to continuous', () => {
    const r = judgeRecorder(
      [recorder({ allSupported: true }, { recordingMode: { recordingFrequency: 'DAILY', recordingModeOverrides: [{ resourceTypes: RECORDED_TYPES as never, recordingFrequency: 'CONTINUOUS' }] } })],
      where,
    );
    expect(r.status).toBe('ok');
  });

  test('Noncompliance 4: recorder on but the last recording failed', () => {
    const r = judgeRecorderStatus([recorder({ allSupported: true })], [{ name: 'rec', recording: true, lastStatus: 'Failure', lastErrorCode: 'AccessDenied', lastErrorMessage: 'bucket' }], where);
    expect(r).toMatchObject({ status: 'fail', detail: expect.stringContaining('AccessDenied: bucket') });
  });

  test('Noncompliance 5: recorder stopped: the fix starts it', () => {
    const r = judgeRecorderStatus([recorder({ allSupported: true })], [{ name: 'rec', recording: false }], where);
    expect(r.fix).toContain('aws configservice start-configuration-recorder --configuration-recorder-name rec --region eu-west-1');
  });
});

describe('judgeRule', () => {
  const instance = RULES.find((r) => r.id === 'imdsv2-instance')!;
  const asg = RULES.find((r) => r.id === 'imdsv2-auto-scaling-group')!;
  const configRule = (name: string): ConfigRule => ({ ConfigRuleName: name, ConfigRuleState: 'ACTIVE', Source: { Owner: 'CUSTOM_LAMBDA', SourceIdentifier: 'arn:aws:lambda:eu-west-1:111122223333:function:f' } });

  test('names: plain and with control ids, after the prefix; a rule without controls has one name', () => {
    expect(ruleNames(instance, 'org-')).toEqual(['org-imdsv2-instance', 'org-imdsv2-instance-EC2.8']);
    expect(ruleNames(asg, '')).toEqual(['imdsv2-auto-scaling-group']);
  });

  test('Noncompliance 1: both names deployed (stack and StackSet): evaluated and billed twice', () => {
    const r = judgeRule({ def: instance, rules: [configRule('imdsv2-instance'), configRule('imdsv2-instance-EC2.8')], prefix: '' }, where);
    expect(r).toMatchObject({ status: 'warn', detail: expect.stringContaining('deployed twice') });
  });

  test('Noncompliance 2: missing where the StackSet deployed the others: the fix points at the StackSet, not a second stack', () => {
    const r = judgeRule({ def: asg, rules: [configRule(configRuleName(instance, '', true))], prefix: '' }, where);
    expect(r.status).toBe('fail');
    expect(r.fix).toContain('Enable…Rule parameter');
    expect(r.fix).not.toContain('cdk deploy');
  });

  test('Compliance: an error older than the last success is history, not a problem', () => {
    const r = judgeRule(
      {
        def: instance,
        rules: [configRule('imdsv2-instance')],
        prefix: '',
        status: { ConfigRuleName: 'imdsv2-instance', LastErrorCode: 'X', LastFailedInvocationTime: new Date('2026-01-01'), LastSuccessfulInvocationTime: new Date('2026-01-02') },
      },
      where,
    );
    expect(r.status).toBe('ok');
  });

  test('Noncompliance 3: no evaluation status from Config, and the function had errors (AWS/Lambda metrics)', () => {
    const r = judgeRule({ def: instance, rules: [configRule('imdsv2-instance')], prefix: '', activity: { hours: 25, invocations: 4, errors: 1 } }, where);
    expect(r).toMatchObject({ status: 'fail', detail: expect.stringContaining('1 of 4 invocations') });
  });

  test('Noncompliance 4: no evaluation status and no metrics readable: unknown, never ok', () => {
    const r = judgeRule({ def: instance, rules: [configRule('imdsv2-instance')], prefix: '', activity: { error: 'AccessDenied' } }, where);
    expect(r.status).toBe('unknown');
  });

  test('Noncompliance 6: a status with no successful run on record is a warning, never ok', () => {
    const r = judgeRule({ def: instance, rules: [configRule('imdsv2-instance')], prefix: '', status: { ConfigRuleName: 'imdsv2-instance', FirstEvaluationStarted: true } }, where);
    expect(r).toMatchObject({ status: 'warn', detail: 'imdsv2-instance: no successful evaluation yet' });
  });

  test('Noncompliance 5: no invocation in the window: a warning', () => {
    const r = judgeRule({ def: instance, rules: [configRule('imdsv2-instance')], prefix: '', activity: { hours: 25, invocations: 0, errors: 0 } }, where);
    expect(r.status).toBe('warn');
  });
});

describe('judgeSecurityHub and judgeAccountDefaults', () => {
  test('Noncompliance 1: a declarative policy manages the default: the fix is the policy, not the account', () => {
    const [tokens, enforced] = judgeAccountDefaults({ HttpTokens: 'optional', ManagedBy: 'declarative-policy' }, where);
    expect(tokens.fix).toContain('declarative policy');
    expect(enforced.fix).toContain('declarative policy');
    expect(tokens.fix).not.toContain('modify-instance-metadata-defaults');
  });

  test('Compliance: required and enforced', () => {
    expect(judgeAccountDefaults({ HttpTokens: 'required', HttpTokensEnforced: 'enabled' }, where).map((c) => c.status)).toEqual(['ok', 'ok']);
  });

  test('Noncompliance 2: Security Hub off is a failure unless not required', () => {
    expect(judgeSecurityHub(undefined, true, where).status).toBe('fail');
    expect(judgeSecurityHub(undefined, false, where).status).toBe('warn');
  });
});
