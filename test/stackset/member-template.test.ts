import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MaximumExecutionFrequency } from 'aws-cdk-lib/aws-config';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { AssetManifestArtifact } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseParameters, type ParameterSpec } from '../../lambda/kit/parameters';
import { RULE_IDS, RULES, type RuleId } from '../../lambda/rules/catalog';
import { Imdsv2GuardStack } from '../../lib/imdsv2-guard-stack';
import { Imdsv2GuardMemberStack, type Imdsv2GuardMemberStackProps } from '../../lib/stackset/imdsv2-guard-member-stack';
import { enableParameterName, ruleKey, ruleParameterName } from '../../lib/stackset/member-parameters';
import { synthMemberTemplate } from '../../lib/stackset/package';
import { actionsOf, statementsOf, testApp } from '../lib/support';
import { Evaluator, type Template as CfnTemplate } from './cfn-eval';
import { CDK_JSON_CONTEXT, FAKE_KEYS } from './support';

function member(props: Partial<Imdsv2GuardMemberStackProps> = {}) {
  const app = new App({ context: CDK_JSON_CONTEXT });
  const stack = new Imdsv2GuardMemberStack(app, 'Member', { functionKeys: FAKE_KEYS, ...props });
  return { app, stack, template: Template.fromStack(stack).toJSON() as MemberTemplateJson };
}

/** Logical ids of every CloudFormation resource of one rule construct. */
function resourcesOf(stack: Imdsv2GuardMemberStack, ruleId: RuleId): string[] {
  return stack.rules[ruleId].node
    .findAll()
    .filter((c): c is CfnResource => c instanceof CfnResource)
    .map((c) => stack.getLogicalId(c));
}

type MemberTemplateJson = CfnTemplate & { Parameters: Record<string, any>; Rules: Record<string, any> };

const byType = (template: CfnTemplate, type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/** A valid non-empty value of each kind, for combinations of set parameters. */
const SAMPLE: Record<ParameterSpec<unknown>['kind'], string> = { integer: '2', boolean: 'true', list: 'latest', string: 'imdsv2-exempt-until' };

describe('the StackSet member template', () => {
  const { app, stack, template } = member();

  test('depends on no CDK bootstrap resource, parameter, asset or metadata', () => {
    const text = JSON.stringify(template);
    for (const forbidden of ['BootstrapVersion', 'CheckBootstrapVersion', 'AWS::CDK::Metadata', 'AssetParameters', 'hnb659fds', 'cdk-bootstrap']) {
      expect({ forbidden, found: text.includes(forbidden) }).toEqual({ forbidden, found: false });
    }
    expect(text).not.toMatch(/cdk-[a-z0-9]+-assets/);
    expect(Object.keys(template.Rules)).toEqual(['RemediationModeReserved', 'AtLeastOneRule']);
    // The cloud assembly asks for no role to assume, no bootstrap version and uploads nothing.
    const assembly = app.synth();
    const artifact = assembly.getStackArtifact(stack.artifactId);
    expect({
      assumeRoleArn: artifact.assumeRoleArn,
      cloudFormationExecutionRoleArn: artifact.cloudFormationExecutionRoleArn,
      requiresBootstrapStackVersion: artifact.requiresBootstrapStackVersion,
      stackTemplateAssetObjectUrl: artifact.stackTemplateAssetObjectUrl,
    }).toEqual({ assumeRoleArn: undefined, cloudFormationExecutionRoleArn: undefined, requiresBootstrapStackVersion: undefined, stackTemplateAssetObjectUrl: undefined });
    expect(assembly.artifacts.filter((a) => a instanceof AssetManifestArtifact)).toEqual([]);
  });

  test('every function reads its code from <AssetBucketPrefix>-<AWS::Region> at the key packaging gave it', () => {
    const functions = byType(template, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(RULE_IDS.length);
    for (const [, fn] of functions) {
      const ruleId = fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as RuleId;
      expect(fn.Properties.Code).toEqual({
        S3Bucket: { 'Fn::Join': ['-', [{ Ref: 'AssetBucketPrefix' }, { Ref: 'AWS::Region' }]] },
        S3Key: FAKE_KEYS[ruleId],
      });
      expect(fn.Properties.Handler).toBe('index.handler');
    }
    const [id] = functions[0];
    const deployed = new Evaluator(template, { parameters: { AssetBucketPrefix: 'acme-imdsv2-guard' }, region: 'ap-southeast-2' });
    expect((deployed.property(id, 'Code') as { S3Bucket: string }).S3Bucket).toBe('acme-imdsv2-guard-ap-southeast-2');
  });

  test('a construct that adds a CDK asset fails synth rather than reach for a bootstrap bucket', () => {
    const { stack: s } = member();
    expect(() => new Asset(s, 'Stray', { path: __filename })).toThrow(/Member: cannot add the file asset .*Code\.fromBucket/s);
  });

  test.each(RULE_IDS.map((r) => [enableParameterName(r), r] as const))('%s=No removes exactly the resources of %s', (parameter, ruleId) => {
    const off = new Evaluator(template, { parameters: { AssetBucketPrefix: 'acme-imdsv2-guard', [parameter]: 'No' } });
    const on = new Evaluator(template, { parameters: { AssetBucketPrefix: 'acme-imdsv2-guard' } });
    const mine = new Set(resourcesOf(stack, ruleId));
    // Log group, role, function, permission, Config rule and (rules that read their results) a policy.
    expect(mine.size).toBeGreaterThanOrEqual(5);
    for (const id of Object.keys(template.Resources)) {
      expect({ id, created: off.created(id) }).toEqual({ id, created: !mine.has(id) });
      expect({ id, created: on.created(id) }).toEqual({ id, created: true });
    }
  });

  test('every resource belongs to a rule and carries that rule\'s condition', () => {
    const owned = RULE_IDS.flatMap((r) => resourcesOf(stack, r).map((id) => [id, `${ruleKey(r)}RuleEnabled`]));
    expect(Object.fromEntries(Object.entries(template.Resources).map(([id, r]) => [id, r.Condition]))).toEqual(Object.fromEntries(owned));
  });

  test.each(RULES.map((d) => [d.id, d] as const))('%s: InputParameters holds exactly the parameters that are set, never an empty value', (ruleId, def) => {
    const ruleLogicalId = stack.getLogicalId(stack.rules[ruleId as RuleId].configRule);
    const names = Object.keys(def.parameters);
    // Every combination of set and empty parameters (at most 2^4).
    for (let mask = 0; mask < 1 << names.length; mask++) {
      const set = names.filter((_, i) => mask & (1 << i));
      const parameters: Record<string, string> = { AssetBucketPrefix: 'acme-imdsv2-guard' };
      for (const n of names) parameters[ruleParameterName(ruleId, n)] = set.includes(n) ? SAMPLE[(def.parameters as any)[n].kind as ParameterSpec<unknown>['kind']] : '';
      const input = new Evaluator(template, { parameters }).property(ruleLogicalId, 'InputParameters');
      if (set.length === 0) {
        expect({ set, input }).toEqual({ set, input: undefined });
      } else {
        const expected = Object.fromEntries(set.map((n) => [n, parameters[ruleParameterName(ruleId, n)]]));
        expect({ set, input }).toEqual({ set, input: expected });
        // What AWS Config passes, the rule's own parser accepts.
        expect(() => parseParameters(def.parameters, input)).not.toThrow();
      }
    }
  });

  test.each(RULES.flatMap((d) => Object.entries(d.parameters).map(([n, s]) => [ruleParameterName(d.id, n), d.id, n, s as ParameterSpec<unknown>] as const)))(
    '%s: the console constraint lets through only what the rule accepts, and every canonical value it accepts',
    (parameter, ruleId, name, spec) => {
      const p = template.Parameters[parameter];
      expect(p.Type).toBe('String');
      expect(p.Default).toBe('');
      const cfnAccepts = (v: string): boolean =>
        (p.AllowedValues ? p.AllowedValues.includes(v) : true) && (p.AllowedPattern ? new RegExp(p.AllowedPattern, 'u').test(v) : true);
      const ruleAccepts = (v: string): boolean => {
        try {
          parseParameters(RULES.find((d) => d.id === ruleId)!.parameters, { [name]: v });
          return true;
        } catch {
          return false;
        }
      };
      const canonical: Record<string, string[]> = {
        integer: Array.from({ length: 64 }, (_, i) => String(i + 1)),
        boolean: ['true', 'false'],
        list: ['default', 'latest', 'default,latest', 'latest,default'],
        string: ['imdsv2-exempt-until', 'Team:Exempt', 'exempt until', 'x'.repeat(128), 'ÜberTag_1'],
      };
      const odd = ['', ' ', '0', '-1', '65', '99', '100', '02', '2.0', '1e1', 'x', 'TRUE', 'yes', 'none', 'default,', ',', 'default, latest', 'bad*key', 'x'.repeat(129), 'a"b'];
      expect(cfnAccepts('')).toBe(true); // empty: the rule default
      for (const v of [...canonical[spec.kind], ...odd]) {
        if (v !== '' && cfnAccepts(v)) expect({ v, ruleAccepts: ruleAccepts(v) }).toEqual({ v, ruleAccepts: true });
      }
      for (const v of canonical[spec.kind]) expect({ v, cfnAccepts: cfnAccepts(v) }).toEqual({ v, cfnAccepts: ruleAccepts(v) });
    },
  );

  test('rule names and descriptions carry the Security Hub control ids they mirror', () => {
    const rules = byType(template, 'AWS::Config::ConfigRule').map(([, r]) => [r.Properties.ConfigRuleName, r.Properties.Description.split(':')[0]]);
    expect(rules).toEqual([
      ['imdsv2-instance-EC2.8', 'EC2.8'],
      ['imdsv2-launch-template-EC2.170', 'EC2.170'],
      ['imdsv2-launch-configuration-AutoScaling.3-AutoScaling.4', 'AutoScaling.3/AutoScaling.4'],
      ['imdsv2-auto-scaling-group', 'No Security Hub control (imdsv2-guard)'],
      ['imdsv2-account-defaults', 'No Security Hub control (imdsv2-guard)'],
    ]);
  });

  test('every rule sweeps at MaximumExecutionFrequency, which allows exactly the AWS Config frequencies', () => {
    expect(template.Parameters.MaximumExecutionFrequency).toMatchObject({ AllowedValues: Object.values(MaximumExecutionFrequency), Default: 'TwentyFour_Hours' });
    for (const [, rule] of byType(template, 'AWS::Config::ConfigRule')) {
      const scheduled = rule.Properties.Source.SourceDetails.filter((d: any) => d.MessageType === 'ScheduledNotification');
      expect(scheduled).toEqual([{ EventSource: 'aws.config', MessageType: 'ScheduledNotification', MaximumExecutionFrequency: { Ref: 'MaximumExecutionFrequency' } }]);
    }
  });

  test('RemediationMode is exposed but reserved: a template rule refuses Manual and Automatic at deploy time', () => {
    expect(template.Parameters.RemediationMode).toMatchObject({ AllowedValues: ['None', 'Manual', 'Automatic'], Default: 'None' });
    expect(template.Rules.RemediationModeReserved.Assertions).toEqual([
      { Assert: { 'Fn::Equals': [{ Ref: 'RemediationMode' }, 'None'] }, AssertDescription: expect.stringContaining('RemediationMode is reserved') },
    ]);
    // Nothing else reads it: no resource is wired to a mode that does nothing.
    const uses = JSON.stringify(template.Resources).includes('RemediationMode');
    expect(uses).toBe(false);
  });

  test('a stack with every rule disabled is refused with a clear message', () => {
    expect(template.Rules.AtLeastOneRule.Assertions[0].Assert).toEqual({
      'Fn::Or': RULE_IDS.map((r) => ({ 'Fn::Equals': [{ Ref: enableParameterName(r) }, 'Yes'] })),
    });
  });

  test('is built from the same Imdsv2Rule construct as the single-account stack: same resources and IAM actions per rule', () => {
    const single = new Imdsv2GuardStack(testApp(), 'Single');
    const singleTemplate = Template.fromStack(single);
    const memberTemplate = Template.fromStack(stack);
    const shape = (s: Stack, t: Template, rule: { node: Stack['node']; role: { node: Stack['node'] } }) => ({
      types: rule.node
        .findAll()
        .filter((c): c is CfnResource => c instanceof CfnResource)
        .map((c) => c.cfnResourceType)
        .sort(),
      actions: actionsOf(statementsOf(t, s.getLogicalId(rule.role.node.defaultChild as CfnResource))),
    });
    for (const ruleId of RULE_IDS) {
      expect({ ruleId, ...shape(stack, memberTemplate, stack.rules[ruleId]) }).toEqual({ ruleId, ...shape(single, singleTemplate, single.rules[ruleId]!) });
    }
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });
});

describe('the packaged member template (settings and defaults from the CDK context)', () => {
  test('fits CloudFormation\'s 51,200-byte inline limit with room to spare', () => {
    const bytes = synthMemberTemplate(FAKE_KEYS, CDK_JSON_CONTEXT, 'test').length;
    expect(bytes).toBeLessThan(51_200 * 0.8);
  });

  test('parameter defaults come from the context the single-account stack reads', () => {
    const template = JSON.parse(
      synthMemberTemplate(
        FAKE_KEYS,
        {
          ...CDK_JSON_CONTEXT,
          'imdsv2-guard:rules': 'imdsv2-instance,imdsv2-account-defaults',
          'imdsv2-guard:frequency': 'Six_Hours',
          'imdsv2-guard:parameters': '{"imdsv2-instance":{"maxHopLimit":2},"imdsv2-launch-template":{"versions":"Latest, default"}}',
          'imdsv2-guard:ruleNamePrefix': 'org-',
          'imdsv2-guard:memorySize': '512',
        },
        'test',
      ).toString('utf8'),
    );
    const defaults = Object.fromEntries(Object.entries(template.Parameters as Record<string, { Default?: string }>).map(([k, v]) => [k, v.Default]));
    expect(defaults).toMatchObject({
      EnableInstanceRule: 'Yes',
      EnableLaunchTemplateRule: 'No',
      EnableLaunchConfigurationRule: 'No',
      EnableAutoScalingGroupRule: 'No',
      EnableAccountDefaultsRule: 'Yes',
      MaximumExecutionFrequency: 'Six_Hours',
      InstanceMaxHopLimit: '2',
      LaunchTemplateVersions: 'latest,default', // normalised as the Lambda reads it
      InstanceExemptionTagKey: '',
    });
    const names = Object.values(template.Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::Config::ConfigRule')
      .map((r) => r.Properties.ConfigRuleName);
    expect(names).toContain('org-imdsv2-instance-EC2.8');
    const memory = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::Function').map((r) => r.Properties.MemorySize);
    expect(new Set(memory)).toEqual(new Set([512]));
  });

  test('an invalid parameter default fails packaging, naming the rule and parameter', () => {
    expect(() => synthMemberTemplate(FAKE_KEYS, { ...CDK_JSON_CONTEXT, 'imdsv2-guard:parameters': '{"imdsv2-instance":{"maxHopLimit":99}}' }, 'test')).toThrow(
      /imdsv2-instance: .*maxHopLimit.*between 1 and 64/,
    );
  });

  test('remediation asked for in the context is refused, not silently left out', () => {
    expect(() => synthMemberTemplate(FAKE_KEYS, { ...CDK_JSON_CONTEXT, 'imdsv2-guard:remediation': 'manual' }, 'test')).toThrow(
      /imdsv2-guard:remediation" = manual: the StackSet member template does not deploy remediation yet/,
    );
  });

  test('a key missing for any rule fails synth', () => {
    const partial = Object.fromEntries(Object.entries(FAKE_KEYS).filter(([r]) => r !== 'imdsv2-account-defaults')) as typeof FAKE_KEYS;
    expect(() => member({ functionKeys: partial })).toThrow('functionKeys: no S3 key for imdsv2-account-defaults');
  });
});
