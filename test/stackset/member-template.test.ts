import { App, CfnResource, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import { MaximumExecutionFrequency } from 'aws-cdk-lib/aws-config';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { AssetManifestArtifact } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseParameters, type ParameterSpec } from '../../lambda/kit/parameters';
import { RULE_IDS, RULES, type RuleId } from '../../lambda/rules/catalog';
import { Imdsv2GuardStack } from '../../lib/imdsv2-guard-stack';
import { HELPER_ENTRIES, readDocument, REMEDIATIONS } from '../../lib/remediation';
import { capHopLimit } from '../../lib/remediation/document-content';
import { Imdsv2GuardMemberStack, type Imdsv2GuardMemberStackProps } from '../../lib/stackset/imdsv2-guard-member-stack';
import { enableParameterName, ruleKey, ruleParameterName } from '../../lib/stackset/member-parameters';
import { deployCommands, INLINE_TEMPLATE_LIMIT, synthMemberTemplate } from '../../lib/stackset/package';
import { actionsOf, statementsOf, testApp } from '../lib/support';
import { Evaluator, type Template as CfnTemplate } from './cfn-eval';
import { helperVersionColumn, ruleVersionColumn } from '../../lib/stackset/code-versions';
import { CDK_JSON_CONTEXT, FAKE_CODE_VERSIONS, REPO_ROOT, FAKE_HELPER_KEYS, FAKE_KEYS } from './support';

function member(props: Partial<Imdsv2GuardMemberStackProps> = {}) {
  const app = new App({ context: CDK_JSON_CONTEXT });
  const stack = new Imdsv2GuardMemberStack(app, 'Member', { functionKeys: FAKE_KEYS, helperKeys: FAKE_HELPER_KEYS, codeVersions: FAKE_CODE_VERSIONS, ...props });
  return { app, stack, template: Template.fromStack(stack).toJSON() as MemberTemplateJson };
}

/** Every resource but the stack-level code signing config (tested on its own). */
const RULE_OR_REMEDIATION = (t: { Resources: Record<string, unknown> }) => Object.keys(t.Resources).filter((id) => id !== 'CodeSigningConfig');

/** Logical ids of every CloudFormation resource of one rule construct. */
function resourcesOf(stack: Imdsv2GuardMemberStack, ruleId: RuleId): string[] {
  return stack.rules[ruleId].node
    .findAll()
    .filter((c): c is CfnResource => c instanceof CfnResource)
    .map((c) => stack.getLogicalId(c));
}

/** Logical ids of every CloudFormation resource of one rule's remediation. */
function remediationResourcesOf(stack: Imdsv2GuardMemberStack, ruleId: RuleId): string[] {
  return stack.remediations.remediations[ruleId]!.node
    .findAll()
    .filter((c): c is CfnResource => c instanceof CfnResource)
    .map((c) => stack.getLogicalId(c));
}

/**
 * A remediation document as a stack instance gets it: the member template writes documents as text
 * (the hop-limit cap is spliced in as a number), so it is resolved for the given parameters and parsed.
 */
function documentOf(t: CfnTemplate, logicalId: string, parameters: Record<string, string> = {}): { parameters: Record<string, unknown>; mainSteps: unknown } {
  const content = t.Resources[logicalId].Properties.Content;
  if (typeof content === 'object' && !('Fn::Join' in content)) return content;
  return JSON.parse(new Evaluator(t, { parameters: { AssetBucketPrefix: 'acme-imdsv2-guard', ...parameters } }).property(logicalId, 'Content') as string);
}

/** synthMemberTemplate with the placeholder keys, parsed. */
const synthJson = (context: Record<string, unknown>) => JSON.parse(synthMemberTemplate(FAKE_KEYS, context, 'test', FAKE_HELPER_KEYS, FAKE_CODE_VERSIONS).toString('utf8'));

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
    expect(Object.keys(template.Rules)).toEqual(['AtLeastOneRule']);
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

  test('every function, rule or remediation helper, reads its code from <AssetBucketPrefix>-<AWS::Region> at the key packaging gave it and the S3 version published in that region', () => {
    const functions = byType(template, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(RULE_IDS.length + HELPER_ENTRIES.length);
    const keys: Record<string, string> = { ...FAKE_KEYS, ...FAKE_HELPER_KEYS };
    expect(functions.map(([, fn]) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).sort()).toEqual(Object.keys(keys).sort());
    const deployed = new Evaluator(template, { parameters: { AssetBucketPrefix: 'acme-imdsv2-guard', RemediationMode: 'Manual' }, region: 'ap-southeast-2' });
    for (const [id, fn] of functions) {
      const name = fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string;
      const column = (RULE_IDS as readonly string[]).includes(name) ? ruleVersionColumn(name) : helperVersionColumn(name);
      expect(fn.Properties.Code).toEqual({
        S3Bucket: { 'Fn::Join': ['-', [{ Ref: 'AssetBucketPrefix' }, { Ref: 'AWS::Region' }]] },
        S3Key: keys[name],
        S3ObjectVersion: { 'Fn::FindInMap': ['CodeVersions', { Ref: 'AWS::Region' }, column] },
      });
      expect(fn.Properties.Handler).toBe('index.handler');
      expect({ name, code: deployed.property(id, 'Code') }).toEqual({
        name,
        code: { S3Bucket: 'acme-imdsv2-guard-ap-southeast-2', S3Key: keys[name], S3ObjectVersion: FAKE_CODE_VERSIONS['ap-southeast-2'][column] },
      });
      expect(() => new Evaluator(template, { parameters: { AssetBucketPrefix: 'acme-imdsv2-guard', RemediationMode: 'Manual' }, region: 'sa-east-1' }).property(id, 'Code')).toThrow(
        /Fn::FindInMap: mapping CodeVersions has no sa-east-1\//,
      );
    }
    // Each helper is the one its rule's document invokes.
    for (const ruleId of RULE_IDS) {
      const fn = stack.remediations.remediations[ruleId]!.function;
      const entry = REMEDIATIONS[ruleId].helper?.entry;
      expect({ ruleId, key: fn && template.Resources[stack.getLogicalId(fn.node.defaultChild as CfnResource)].Properties.Code.S3Key }).toEqual({
        ruleId,
        key: entry && FAKE_HELPER_KEYS[entry],
      });
    }
  });

  test('a construct that adds a CDK asset fails synth rather than reach for a bootstrap bucket', () => {
    const { stack: s } = member();
    expect(() => new Asset(s, 'Stray', { path: __filename })).toThrow(/Member: cannot add the file asset .*Code\.fromBucket/s);
  });

  test.each(RULE_IDS.map((r) => [enableParameterName(r), r] as const))('%s=No removes exactly the resources of %s and of its remediation', (parameter, ruleId) => {
    const off = new Evaluator(template, { parameters: { AssetBucketPrefix: 'acme-imdsv2-guard', RemediationMode: 'Automatic', [parameter]: 'No' } });
    const on = new Evaluator(template, { parameters: { AssetBucketPrefix: 'acme-imdsv2-guard', RemediationMode: 'Automatic' } });
    const mine = new Set([...resourcesOf(stack, ruleId), ...remediationResourcesOf(stack, ruleId)]);
    // Log group, role, function, permission, Config rule and (rules that read their results) a policy.
    expect(mine.size).toBeGreaterThanOrEqual(5);
    for (const id of RULE_OR_REMEDIATION(template)) {
      expect({ id, created: off.created(id) }).toEqual({ id, created: !mine.has(id) });
      expect({ id, created: on.created(id) }).toEqual({ id, created: true });
    }
  });

  test('every resource belongs to a rule or its remediation and carries that rule\'s (remediation) condition', () => {
    const owned = RULE_IDS.flatMap((r) => [
      ...resourcesOf(stack, r).map((id) => [id, `${ruleKey(r)}RuleEnabled`]),
      ...remediationResourcesOf(stack, r).map((id) => [id, `${ruleKey(r)}RemediationEnabled`]),
    ]);
    // Besides them, only the stack-level code signing config, which follows CodeSigningProfileVersionArn.
    expect(Object.fromEntries(Object.entries(template.Resources).map(([id, r]) => [id, r.Condition]))).toEqual(
      Object.fromEntries([...owned, ['CodeSigningConfig', 'CodeSigningOn']]),
    );
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

  const remediationConfigurations = () => RULE_IDS.map((r) => [r, stack.getLogicalId(stack.remediations.remediations[r]!.remediationConfiguration!)] as const);
  const AUTOMATIC_ONLY = ['MaximumAutomaticAttempts', 'RetryAttemptSeconds', 'ExecutionControls'];

  test('RemediationMode (None by default) is a parameter and no template rule refuses any of its values', () => {
    expect(template.Parameters.RemediationMode).toMatchObject({ AllowedValues: ['None', 'Manual', 'Automatic'], Default: 'None' });
    expect(JSON.stringify(template.Rules)).not.toContain('RemediationMode');
    expect(template.Conditions?.IsAutomatic).toEqual({ 'Fn::Equals': [{ Ref: 'RemediationMode' }, 'Automatic'] });
  });

  test('RemediationMode=None: no remediation resource is created, every rule resource is', () => {
    for (const parameters of [{}, { RemediationMode: 'None' }] as Array<Record<string, string>>) {
      const none = new Evaluator(template, { parameters: { AssetBucketPrefix: 'acme-imdsv2-guard', ...parameters } });
      const remediation = new Set(RULE_IDS.flatMap((r) => remediationResourcesOf(stack, r)));
      // Document, automation role and remediation configuration per rule; log group, role and function per helper.
      expect(remediation.size).toBe(3 * RULE_IDS.length + 3 * HELPER_ENTRIES.length);
      for (const id of RULE_OR_REMEDIATION(template)) expect({ id, created: none.created(id) }).toEqual({ id, created: !remediation.has(id) });
    }
  });

  test('RemediationMode=Manual: every rule gets a remediation configuration with Automatic false and no automatic-only settings', () => {
    const manual = new Evaluator(template, { parameters: { AssetBucketPrefix: 'acme-imdsv2-guard', RemediationMode: 'Manual' } });
    for (const id of RULE_OR_REMEDIATION(template)) expect({ id, created: manual.created(id) }).toEqual({ id, created: true });
    for (const [ruleId, id] of remediationConfigurations()) {
      expect({ ruleId, automatic: manual.property(id, 'Automatic') }).toEqual({ ruleId, automatic: false });
      for (const p of AUTOMATIC_ONLY) expect({ ruleId, p, value: manual.property(id, p) }).toEqual({ ruleId, p, value: undefined });
      expect(manual.property(id, 'ConfigRuleName')).toBe(`<Ref:${stack.getLogicalId(stack.rules[ruleId].configRule)}>`);
    }
  });

  test('RemediationMode=Automatic: Automatic true, with the attempts, retry window and execution controls', () => {
    const automatic = new Evaluator(template, { parameters: { AssetBucketPrefix: 'acme-imdsv2-guard', RemediationMode: 'Automatic' } });
    for (const [ruleId, id] of remediationConfigurations()) {
      expect(template.Resources[id].Properties.Automatic).toEqual({ 'Fn::If': ['IsAutomatic', true, false] });
      expect({ ruleId, created: automatic.created(id), automatic: automatic.property(id, 'Automatic') }).toEqual({ ruleId, created: true, automatic: true });
      expect(Object.fromEntries(AUTOMATIC_ONLY.map((p) => [p, automatic.property(id, p)]))).toEqual({
        MaximumAutomaticAttempts: 3,
        RetryAttemptSeconds: 600,
        ExecutionControls: { SsmControls: { ConcurrentExecutionRatePercentage: 10, ErrorPercentage: 10 } },
      });
    }
  });

  test('the remediations are the single-account stack\'s: same resources and IAM actions per rule', () => {
    const single = new Imdsv2GuardStack(testApp(), 'Single', { remediation: { mode: 'manual' } });
    const singleTemplate = Template.fromStack(single);
    const memberTemplate = Template.fromStack(stack);
    const shape = (s: Stack, t: Template, r: NonNullable<(typeof stack.remediations.remediations)[RuleId]>) => ({
      types: r.node
        .findAll()
        .filter((c): c is CfnResource => c instanceof CfnResource)
        .map((c) => c.cfnResourceType)
        .sort(),
      automation: actionsOf(statementsOf(t, s.getLogicalId(r.automationRole.node.defaultChild as CfnResource))),
      helper: r.functionRole ? actionsOf(statementsOf(t, s.getLogicalId(r.functionRole.node.defaultChild as CfnResource))) : [],
      document: JSON.stringify(Object.keys(documentOf(t.toJSON() as CfnTemplate, s.getLogicalId(r.document)).parameters)),
    });
    for (const ruleId of RULE_IDS) {
      expect({ ruleId, ...shape(stack, memberTemplate, stack.remediations.remediations[ruleId]!) }).toEqual({
        ruleId,
        ...shape(single, singleTemplate, single.remediation!.remediations[ruleId]!),
      });
    }
  });

  test('each rule\'s <Rule>MaxHopLimit caps its remediation: document branch and lowering value, roles\' conditions, helper environment; unset, the rule default or 64', () => {
    const source = (ruleId: RuleId) => readDocument(REPO_ROOT, ruleId);
    // What a stack instance gets, for one rule, with the given parameters.
    const deployed = (ruleId: RuleId, parameters: Record<string, string>) => {
      const r = stack.remediations.remediations[ruleId]!;
      const e = new Evaluator(template, { parameters: { AssetBucketPrefix: 'acme-imdsv2-guard', RemediationMode: 'Manual', ...parameters } });
      const id = (c: Construct) => stack.getLogicalId(c.node.defaultChild as CfnResource);
      return {
        document: documentOf(template, stack.getLogicalId(r.document), parameters),
        automation: JSON.stringify(e.property(id(r.automationRole), 'Policies')),
        helperPolicy: r.functionRole ? JSON.stringify(e.property(id(r.functionRole), 'Policies')) : '',
        env: r.function ? (e.property(id(r.function), 'Environment') as { Variables: Record<string, string> }).Variables.IMDSV2_GUARD_MAX_HOP_LIMIT : undefined,
      };
    };
    for (const [value, cap] of [['2', 2], ['', 64]] as const) {
      const d = deployed('imdsv2-instance', { InstanceMaxHopLimit: value });
      // The branch that lowers a hop limit above the cap, and the value it sends, are the cap (numbers, as SSM requires).
      expect(d.document.mainSteps).toEqual(capHopLimit(source('imdsv2-instance'), cap).mainSteps);
      expect(JSON.stringify(d.document.mainSteps)).toContain(`"NumericGreater":${cap}`);
      expect(d.automation).toContain(`"NumericLessThanEquals":{"ec2:Attribute/HttpPutResponseHopLimit":"${cap}"}`);
      expect(d.env).toBe(String(cap));
    }
    // Launch configurations: the rule's default maximum is 1, and so is the remediation's when the parameter is empty.
    for (const [value, cap] of [['3', 3], ['', 1]] as const) {
      const d = deployed('imdsv2-launch-configuration', { LaunchConfigurationMaxHopLimit: value });
      expect(d.env).toBe(String(cap));
      expect(d.helperPolicy).toContain(`"NumericGreaterThan":{"ec2:MetadataHttpPutResponseHopLimit":"${cap}"}`);
    }
    for (const [value, cap] of [['2', 2], ['', 64]] as const) {
      expect(deployed('imdsv2-account-defaults', { AccountDefaultsMaxHopLimit: value }).automation).toContain(`"${cap}"`);
      expect(deployed('imdsv2-launch-template', { LaunchTemplateMaxHopLimit: value }).env).toBe(String(cap));
      expect(deployed('imdsv2-auto-scaling-group', { AutoScalingGroupMaxHopLimit: value }).env).toBe(String(cap));
    }
  });

  test('a region missing a version for any zip, or no region at all, is refused at synth', () => {
    const { RuleInstance: _dropped, ...rest } = FAKE_CODE_VERSIONS['eu-west-1'];
    expect(() => member({ codeVersions: { ...FAKE_CODE_VERSIONS, 'eu-west-1': rest } })).toThrow('codeVersions: eu-west-1 has no S3 version for RuleInstance');
    expect(() => member({ codeVersions: {} })).toThrow(/codeVersions: no region/);
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

  test('optional code signing: with CodeSigningProfileVersionArn set, every function requires code signed by it (Enforce); empty, none', () => {
    const { template } = member();
    const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function').map(([id]) => id);
    expect(functions.length).toBe(RULE_IDS.length + HELPER_ENTRIES.length);
    const config = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::Lambda::CodeSigningConfig')!;
    expect(config[1].Properties.CodeSigningPolicies).toEqual({ UntrustedArtifactOnDeployment: 'Enforce' });
    const base = { AssetBucketPrefix: 'acme-imdsv2-guard', RemediationMode: 'Manual' };
    const profile = 'arn:aws:signer:eu-west-1:111122223333:/signing-profiles/imdsv2guard/a1b2c3d4e5';
    const off = new Evaluator(template as unknown as CfnTemplate, { parameters: base });
    const on = new Evaluator(template as unknown as CfnTemplate, { parameters: { ...base, CodeSigningProfileVersionArn: profile } });
    expect(off.created(config[0])).toBe(false);
    expect(on.created(config[0])).toBe(true);
    expect(on.property(config[0], 'AllowedPublishers')).toEqual({ SigningProfileVersionArns: [profile] });
    for (const fn of functions) {
      expect(off.property(fn, 'CodeSigningConfigArn')).toBeUndefined();
      expect(template.Resources[fn].Properties.CodeSigningConfigArn).toEqual({ 'Fn::If': ['CodeSigningOn', { 'Fn::GetAtt': [config[0], 'CodeSigningConfigArn'] }, { Ref: 'AWS::NoValue' }] });
    }
    const pattern = new RegExp(template.Parameters!.CodeSigningProfileVersionArn.AllowedPattern as string);
    expect([pattern.test(''), pattern.test(profile), pattern.test('arn:aws:iam::111122223333:role/x')]).toEqual([true, true, false]);
  });
});

describe('the packaged member template (settings and defaults from the CDK context)', () => {
  test('Noncompliance: a mistyped imdsv2-guard key fails packaging as it fails cdk synth, naming the closest key', () => {
    expect(() => synthJson({ ...CDK_JSON_CONTEXT, 'imdsv2-guard:runtme': 'nodejs22.x' })).toThrow(
      'Context "imdsv2-guard:runtme": unknown key; did you mean "imdsv2-guard:runtime"?',
    );
  });

  test('is over CloudFormation\'s 51,200-byte inline limit (the SSM documents are inline), so the printed deploy uploads it; far under the 1 MB of a TemplateURL', () => {
    const bytes = synthMemberTemplate(FAKE_KEYS, CDK_JSON_CONTEXT, 'test', FAKE_HELPER_KEYS, FAKE_CODE_VERSIONS).length;
    expect(bytes).toBeGreaterThan(INLINE_TEMPLATE_LIMIT);
    expect(bytes).toBeLessThan(100_000);
    expect(deployCommands('dist/stackset', 'acme-imdsv2-guard', ['eu-west-1'], bytes)).toEqual([
      'aws cloudformation deploy --stack-name imdsv2-guard --template-file dist/stackset/imdsv2-guard-member.template.json --s3-bucket acme-imdsv2-guard-eu-west-1 --s3-prefix imdsv2-guard/cloudformation --capabilities CAPABILITY_IAM CAPABILITY_NAMED_IAM --parameter-overrides AssetBucketPrefix=acme-imdsv2-guard --region eu-west-1',
    ]);
    expect(deployCommands('dist/stackset', 'acme-imdsv2-guard', ['eu-west-1'], INLINE_TEMPLATE_LIMIT)[0]).not.toContain('--s3-bucket');
  });

  test('parameter defaults come from the context the single-account stack reads', () => {
    const template = synthJson({
      ...CDK_JSON_CONTEXT,
      'imdsv2-guard:rules': 'imdsv2-instance,imdsv2-account-defaults',
      'imdsv2-guard:frequency': 'Six_Hours',
      'imdsv2-guard:parameters': '{"imdsv2-instance":{"maxHopLimit":2},"imdsv2-launch-template":{"versions":"Latest, default"}}',
      'imdsv2-guard:ruleNamePrefix': 'org-',
      'imdsv2-guard:memorySize': '512',
    });
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
    const documents = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::SSM::Document').map((r) => r.Properties.Name);
    expect(documents).toContain('org-imdsv2-instance');
    const memory = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::Function').map((r) => r.Properties.MemorySize);
    expect(new Set(memory)).toEqual(new Set([512]));
  });

  test('an invalid parameter default fails packaging, naming the rule and parameter', () => {
    expect(() => synthJson({ ...CDK_JSON_CONTEXT, 'imdsv2-guard:parameters': '{"imdsv2-instance":{"maxHopLimit":99}}' })).toThrow(
      /imdsv2-instance: .*maxHopLimit.*between 1 and 64/,
    );
  });

  test.each([
    ['manual', 'Manual'],
    ['automatic', 'Automatic'],
  ])('imdsv2-guard:remediation=%s makes %s the RemediationMode default; attempts, retry window and document parameters carry over', (mode, expected) => {
    const template = synthJson({
      ...CDK_JSON_CONTEXT,
      'imdsv2-guard:remediation': mode,
      'imdsv2-guard:remediationMaxAttempts': '5',
      'imdsv2-guard:remediationRetrySeconds': '900',
      'imdsv2-guard:remediationOverrides': '{"imdsv2-instance":{"parameters":{"LookbackDays":30}}}',
    });
    expect(template.Parameters.RemediationMode.Default).toBe(expected);
    const configurations = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Config::RemediationConfiguration');
    expect(new Set(configurations.map((r) => JSON.stringify([r.Properties.MaximumAutomaticAttempts, r.Properties.RetryAttemptSeconds])))).toEqual(
      new Set([JSON.stringify([{ 'Fn::If': ['IsAutomatic', 5, { Ref: 'AWS::NoValue' }] }, { 'Fn::If': ['IsAutomatic', 900, { Ref: 'AWS::NoValue' }] }])]),
    );
    const instance = configurations.find((r) => r.Properties.ResourceType === 'AWS::EC2::Instance');
    expect(instance.Properties.Parameters.LookbackDays).toEqual({ StaticValue: { Values: ['30'] } });
  });

  test('remediation the template cannot express is refused, not silently changed', () => {
    expect(() => synthJson({ ...CDK_JSON_CONTEXT, 'imdsv2-guard:remediation': 'documents-only' })).toThrow(/documents-only: the StackSet member template has no such mode/);
    expect(() =>
      synthJson({ ...CDK_JSON_CONTEXT, 'imdsv2-guard:remediation': 'automatic', 'imdsv2-guard:remediationOverrides': '{"imdsv2-auto-scaling-group":{"mode":"manual"}}' }),
    ).toThrow(/imdsv2-auto-scaling-group sets mode manual, but the StackSet member template has one RemediationMode/);
  });

  test('a key missing for any helper fails synth', () => {
    const partial = Object.fromEntries(Object.entries(FAKE_HELPER_KEYS).filter(([e]) => e !== 'imdsv1-usage-gate'));
    expect(() => member({ helperKeys: partial })).toThrow('helperKeys: no S3 key for imdsv1-usage-gate');
  });

  test('a key missing for any rule fails synth', () => {
    const partial = Object.fromEntries(Object.entries(FAKE_KEYS).filter(([r]) => r !== 'imdsv2-account-defaults')) as typeof FAKE_KEYS;
    expect(() => member({ functionKeys: partial })).toThrow('functionKeys: no S3 key for imdsv2-account-defaults');
  });
});
