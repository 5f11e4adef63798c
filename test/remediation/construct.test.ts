import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CfnConfigRule } from 'aws-cdk-lib/aws-config';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parse } from 'yaml';
import { RULE_IDS, RULES, type RuleId } from '../../lambda/rules/catalog';
import { Imdsv2GuardStack } from '../../lib/imdsv2-guard-stack';
import { Imdsv2Remediations, REMEDIATIONS, type Imdsv2RemediationsProps } from '../../lib/remediation';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CDK_CONTEXT = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
/** The handler entry must exist, but esbuild does not run. */
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };
const testApp = (outdir?: string) => new App({ outdir, context: { ...CDK_CONTEXT, ...SKIP_BUNDLING } });

/** A stack with one stub Config rule per id, named like the real ones. */
function stackWithRules(props: Partial<Imdsv2RemediationsProps> = {}, ids: readonly RuleId[] = RULE_IDS) {
  const app = testApp();
  const stack = new Stack(app, 'Test');
  const rules: Partial<Record<RuleId, { configRule: CfnConfigRule }>> = {};
  for (const id of ids) {
    rules[id] = { configRule: new CfnConfigRule(stack, `${id}-rule`, { configRuleName: id, source: { owner: 'CUSTOM_LAMBDA', sourceIdentifier: 'arn:aws:lambda:us-east-1:123456789012:function:x' } }) };
  }
  const remediations = new Imdsv2Remediations(stack, 'Remediation', { rules, ...props });
  return { app, stack, remediations, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, any> };
const resources = (t: Template, type: string): Array<[string, Resource]> =>
  Object.entries(t.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.Type === type);

// Written out here rather than read from lambda/rules/<id>/remediation.ts, so that a change
// to what a role may do has to be made twice, on purpose.
const AUTOMATION_ACTIONS: Record<RuleId, string[]> = {
  'imdsv2-instance': ['ec2:DescribeInstances', 'ec2:ModifyInstanceMetadataOptions', 'lambda:InvokeFunction'],
  'imdsv2-launch-template': ['ec2:DescribeLaunchTemplateVersions', 'lambda:InvokeFunction'],
  'imdsv2-launch-configuration': ['lambda:InvokeFunction'],
  'imdsv2-auto-scaling-group': ['lambda:InvokeFunction'],
  'imdsv2-account-defaults': ['ec2:GetInstanceMetadataDefaults', 'ec2:ModifyInstanceMetadataDefaults'],
};
const FUNCTION_ACTIONS: Partial<Record<RuleId, string[]>> = {
  'imdsv2-auto-scaling-group': [
    'autoscaling:DescribeAutoScalingGroups',
    'autoscaling:DescribeInstanceRefreshes',
    'autoscaling:DescribeWarmPool',
    'autoscaling:StartInstanceRefresh',
    'ec2:DescribeInstances',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
  ],
  'imdsv2-instance': ['cloudwatch:GetMetricStatistics', 'logs:CreateLogStream', 'logs:PutLogEvents'],
  'imdsv2-launch-template': [
    'ec2:CreateLaunchTemplateVersion',
    'ec2:DescribeLaunchTemplateVersions',
    'ec2:ModifyLaunchTemplate',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
  ],
  'imdsv2-launch-configuration': [
    'autoscaling:DeleteLaunchConfiguration',
    'autoscaling:DescribeAutoScalingGroups',
    'autoscaling:DescribeLaunchConfigurations',
    'autoscaling:StartInstanceRefresh',
    'autoscaling:UpdateAutoScalingGroup',
    'ec2:CreateLaunchTemplate',
    'ec2:CreateTags',
    'ec2:DescribeLaunchTemplateVersions',
    'ec2:DescribeLaunchTemplates',
    'ec2:RunInstances',
    'iam:PassRole',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
  ],
};

function statementsOf(t: Template, roleLogicalId: string): Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string }> {
  const role = (t.toJSON().Resources as Record<string, Resource>)[roleLogicalId];
  return (role.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement);
}
/** The actions a role is allowed (Deny statements narrow them and are tested on their own). */
const actionsOf = (statements: Array<{ Action: string | string[]; Effect?: string }>) =>
  statements.filter((s) => s.Effect !== 'Deny').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();

describe('Imdsv2Remediations, manual (the default)', () => {
  const { stack, remediations, template } = stackWithRules();
  const logical = (c: import('constructs').IConstruct) => stack.getLogicalId((c.node.defaultChild ?? c) as any);

  test('one Automation document per rule, named by the rule id, updated in place as a new version', () => {
    template.resourceCountIs('AWS::SSM::Document', 5);
    for (const id of RULE_IDS) {
      template.hasResourceProperties('AWS::SSM::Document', {
        Name: id,
        DocumentType: 'Automation',
        DocumentFormat: 'JSON',
        UpdateMethod: 'NewVersion',
        Content: Match.objectLike({ schemaVersion: '0.3' }),
      });
    }
  });

  test('document content is remediations/<id>.yaml, with the deployed role (and function) as parameter defaults', () => {
    for (const id of RULE_IDS) {
      const r = remediations.remediations[id]!;
      const source = parse(readFileSync(path.join(REPO_ROOT, 'remediations', `${id}.yaml`), 'utf8'));
      const content = template.toJSON().Resources[logical(r.document)].Properties.Content;
      const expected = JSON.parse(JSON.stringify(source));
      expected.parameters.AutomationAssumeRole.default = { 'Fn::GetAtt': [logical(r.automationRole), 'Arn'] };
      const helper = REMEDIATIONS[id].helper;
      if (helper) expected.parameters[helper.parameter].default = { Ref: logical(r.function!) };
      expect(content).toEqual(expected);
    }
  });

  test('a remediation configuration per rule: manual, RESOURCE_ID bound to the resource parameter, the role passed', () => {
    template.resourceCountIs('AWS::Config::RemediationConfiguration', 5);
    for (const id of RULE_IDS) {
      const r = remediations.remediations[id]!;
      const spec = REMEDIATIONS[id];
      const props = template.toJSON().Resources[logical(r.remediationConfiguration!)].Properties;
      expect(props).toEqual({
        ConfigRuleName: { Ref: stack.getLogicalId(stack.node.findChild(`${id}-rule`) as CfnConfigRule) },
        TargetType: 'SSM_DOCUMENT',
        TargetId: { Ref: logical(r.document) },
        Automatic: false,
        Parameters: {
          AutomationAssumeRole: { StaticValue: { Values: [{ 'Fn::GetAtt': [logical(r.automationRole), 'Arn'] }] } },
          ...(spec.resourceIdParameter ? { [spec.resourceIdParameter]: { ResourceValue: { Value: 'RESOURCE_ID' } } } : {}),
        },
        ...(id === 'imdsv2-account-defaults' ? {} : { ResourceType: RULES.find((d) => d.id === id)!.resourceType }),
      });
    }
  });

  test('each automation role is assumable only by Automation executions of this account and Region', () => {
    for (const id of RULE_IDS) {
      const role = template.toJSON().Resources[logical(remediations.remediations[id]!.automationRole)];
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'ssm.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: {
              'aws:SourceArn': {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':automation-execution/*']],
              },
            },
          },
        },
      ]);
    }
  });

  test.each(RULE_IDS)('%s: the automation role holds exactly the actions its steps call', (id) => {
    const r = remediations.remediations[id]!;
    expect(actionsOf(statementsOf(template, logical(r.automationRole)))).toEqual([...AUTOMATION_ACTIONS[id]].sort());
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test.each(RULE_IDS)('%s: the function role (if any) holds exactly the actions its code calls', (id) => {
    const r = remediations.remediations[id]!;
    if (!FUNCTION_ACTIONS[id]) {
      expect(r.function).toBeUndefined();
      return;
    }
    expect(actionsOf(statementsOf(template, logical(r.functionRole!)))).toEqual([...FUNCTION_ACTIONS[id]!].sort());
  });

  test('write permissions are scoped to resource ARNs, and invoking is scoped to the document\'s own function', () => {
    const find = (id: RuleId, role: 'automationRole' | 'functionRole', action: string) => {
      const r = remediations.remediations[id]!;
      return statementsOf(template, logical(r[role]!)).filter((s) => ([] as string[]).concat(s.Action).includes(action));
    };
    const arn = (suffix: string) => expect.objectContaining({ 'Fn::Join': ['', expect.arrayContaining([expect.stringContaining(suffix)])] });
    expect(find('imdsv2-instance', 'automationRole', 'ec2:ModifyInstanceMetadataOptions')[0].Resource).toEqual(arn(':instance/*'));
    expect(find('imdsv2-instance', 'automationRole', 'lambda:InvokeFunction')[0].Resource).toEqual({
      'Fn::GetAtt': [logical(remediations.remediations['imdsv2-instance']!.function!), 'Arn'],
    });
    expect(find('imdsv2-launch-template', 'functionRole', 'ec2:CreateLaunchTemplateVersion')[0].Resource).toEqual(arn(':launch-template/*'));
    expect(find('imdsv2-auto-scaling-group', 'functionRole', 'autoscaling:StartInstanceRefresh')[0].Resource).toEqual(arn(':autoScalingGroupName/*'));
    expect(find('imdsv2-launch-configuration', 'functionRole', 'autoscaling:DeleteLaunchConfiguration')[0].Resource).toEqual(arn(':launchConfigurationName/*'));
    expect(find('imdsv2-launch-configuration', 'functionRole', 'ec2:CreateTags')[0].Condition).toEqual({ StringEquals: { 'ec2:CreateAction': 'CreateLaunchTemplate' } });
    expect(find('imdsv2-launch-configuration', 'functionRole', 'iam:PassRole')[0]).toMatchObject({
      Resource: arn(':role/*'),
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    });
  });

  test('the migration may launch (as Auto Scaling checks on the group update) only IMDSv2-required instances, from a tagged template of this account and Region', () => {
    const r = remediations.remediations['imdsv2-launch-configuration']!;
    const denies = statementsOf(template, logical(r.functionRole!)).filter((s) => (s as { Effect?: string }).Effect === 'Deny');
    const arn = (suffix: string) => expect.objectContaining({ 'Fn::Join': ['', expect.arrayContaining([expect.stringContaining(suffix)])] });
    expect(denies).toEqual([
      expect.objectContaining({ Action: 'ec2:RunInstances', Resource: arn(':instance/*'), Condition: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } } }),
      // No cap given to this construct: 64, EC2's own limit (test/remediation/only-harden.test.ts tests a real cap).
      expect.objectContaining({ Action: 'ec2:RunInstances', Resource: arn(':instance/*'), Condition: { NumericGreaterThan: { 'ec2:MetadataHttpPutResponseHopLimit': '64' } } }),
      expect.objectContaining({ Action: 'ec2:RunInstances', Resource: arn(':instance/*'), Condition: { ArnNotLike: { 'ec2:LaunchTemplate': arn(':launch-template/*') } } }),
      expect.objectContaining({
        Action: 'ec2:RunInstances',
        Resource: arn(':launch-template/*'),
        Condition: { Null: { 'aws:ResourceTag/imdsv2-guard:source-launch-configuration': 'true' } },
      }),
    ]);
  });

  test('four TypeScript steps, bundled from lambda/remediation/<name>/handler.ts, each with its own log group', () => {
    template.resourceCountIs('AWS::Lambda::Function', 4);
    template.resourceCountIs('AWS::Logs::LogGroup', 4);
    for (const id of ['imdsv2-instance', 'imdsv2-launch-template', 'imdsv2-launch-configuration', 'imdsv2-auto-scaling-group'] as const) {
      const fn = template.toJSON().Resources[logical(remediations.remediations[id]!.function!)];
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
      expect(fn.DependsOn).toBeUndefined();
    }
  });
});

describe('Imdsv2Remediations, automatic and per-rule settings', () => {
  test('automatic: attempts, retry window and rate controls', () => {
    const { template } = stackWithRules({ mode: 'automatic', maximumAutomaticAttempts: 5, retryAttemptSeconds: 3600 });
    for (const [, r] of resources(template, 'AWS::Config::RemediationConfiguration')) {
      expect(r.Properties).toMatchObject({
        Automatic: true,
        MaximumAutomaticAttempts: 5,
        RetryAttemptSeconds: 3600,
        ExecutionControls: { SsmControls: { ConcurrentExecutionRatePercentage: 10, ErrorPercentage: 10 } },
      });
    }
  });

  test('overrides: one rule automatic with document parameters, one documents-only, the rest manual', () => {
    const { template } = stackWithRules({
      overrides: {
        'imdsv2-account-defaults': { mode: 'automatic', parameters: { EnforceImdsV2: true, HttpPutResponseHopLimit: 2 } },
        'imdsv2-instance': { parameters: { LookbackDays: 30 } },
        'imdsv2-auto-scaling-group': { mode: 'documents-only' },
      },
    });
    template.resourceCountIs('AWS::SSM::Document', 5);
    const configs = resources(template, 'AWS::Config::RemediationConfiguration').map(([, r]) => r.Properties);
    expect(configs).toHaveLength(4);
    const account = configs.find((c) => c.Parameters.EnforceImdsV2)!;
    expect(account).toMatchObject({ Automatic: true, Parameters: { EnforceImdsV2: { StaticValue: { Values: ['true'] } }, HttpPutResponseHopLimit: { StaticValue: { Values: ['2'] } } } });
    const instance = configs.find((c) => c.Parameters.InstanceId)!;
    expect(instance).toMatchObject({ Automatic: false, Parameters: { LookbackDays: { StaticValue: { Values: ['30'] } } } });
  });

  test('documentNamePrefix names the documents', () => {
    const { template } = stackWithRules({ documentNamePrefix: 'org-' }, ['imdsv2-instance']);
    template.hasResourceProperties('AWS::SSM::Document', { Name: 'org-imdsv2-instance' });
  });

  test.each([
    [{ overrides: { 'imdsv2-instance': { parameters: { LookBackDays: 3 } } } }, /has no parameter LookBackDays/],
    [{ overrides: { 'imdsv2-instance': { parameters: { Force: 'sometimes' } } } }, /Force="sometimes" is not true or false/],
    [{ overrides: { 'imdsv2-instance': { parameters: { HttpPutResponseHopLimit: 65 } } } }, /is not one of/],
    [{ overrides: { 'imdsv2-instance': { parameters: { InstanceId: 'i-0123456789abcdef0' } } } }, /InstanceId is set by the construct/],
    [{ overrides: { 'imdsv2-instance': { parameters: { UsageGateFunction: 'other' } } } }, /UsageGateFunction is set by the construct/],
    [{ overrides: { 'imdsv2-instance': { mode: 'documents-only' as const, parameters: { LookbackDays: 3 } } } }, /documents-only remediation has none/],
    [{ mode: 'automatic' as const, maximumAutomaticAttempts: 26 }, /maximumAutomaticAttempts must be an integer from 1 to 25/],
    [{ documentNamePrefix: 'aws-' }, /cannot start with aws/],
    [{ documentNamePrefix: 'bad prefix' }, /use letters, digits/],
  ])('Noncompliance: %j fails synth with a clear message', (props, message) => {
    expect(() => stackWithRules(props as Partial<Imdsv2RemediationsProps>, ['imdsv2-instance'])).toThrow(message);
  });

  test('Noncompliance: overrides for a rule that is not deployed', () => {
    expect(() => stackWithRules({ overrides: { 'imdsv2-account-defaults': { mode: 'automatic' } } }, ['imdsv2-instance'])).toThrow(/not deployed: imdsv2-account-defaults/);
  });
});

/** The stack the app deploys, with remediation wired the way docs/remediation.md tells. */
function deployedApp(outdir?: string) {
  const app = testApp(outdir);
  const stack = new Imdsv2GuardStack(app, 'Imdsv2Guard', {});
  const remediations = new Imdsv2Remediations(stack, 'Remediation', { rules: stack.rules, mode: 'automatic' });
  return { app, stack, remediations };
}

describe('cdk-nag AwsSolutionsChecks over the rules and their remediations', () => {
  test('Compliance: no unacknowledged finding, and synth (which runs the pack) succeeds', () => {
    const { app } = deployedApp();
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('Compliance: what is acknowledged is exactly the wildcard resources the catalog grants (the default runtime needs no AwsSolutions-L1)', () => {
    const { app, remediations } = deployedApp();
    const acknowledged: Record<string, string[]> = {};
    for (const c of app.node.findAll()) {
      for (const m of c.node.metadata) {
        if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && c.node.path.includes('/Remediation/')) {
          // One metadata entry per acknowledge() call.
          const ids = Object.keys(m.data as object).map((k) => k.replace(/^annotation::/i, ''));
          acknowledged[c.node.path] = [...(acknowledged[c.node.path] ?? []), ...ids].sort();
        }
      }
    }
    const nag = (arn: string) => `AwsSolutions-IAM5[Resource::${arn}]`;
    const p = 'arn:<AWS::Partition>';
    const rA = '<AWS::Region>:<AWS::AccountId>';
    const expected: Record<string, string[]> = {};
    const set = (id: RuleId, role: 'automationRole' | 'functionRole' | 'function', ids: string[]) => {
      expected[remediations.remediations[id]![role]!.node.path] = ids.sort();
    };
    set('imdsv2-instance', 'automationRole', [nag('*'), nag(`${p}:ec2:${rA}:instance/*`)]);
    set('imdsv2-instance', 'functionRole', [nag('*')]);
    set('imdsv2-launch-template', 'automationRole', [nag('*')]);
    set('imdsv2-launch-template', 'functionRole', [nag('*'), nag(`${p}:ec2:${rA}:launch-template/*`)]);
    set('imdsv2-launch-configuration', 'functionRole', [
      nag('*'),
      nag(`${p}:ec2:${rA}:launch-template/*`),
      nag(`${p}:autoscaling:${rA}:autoScalingGroup:*:autoScalingGroupName/*`),
      nag(`${p}:autoscaling:${rA}:launchConfiguration:*:launchConfigurationName/*`),
      nag(`${p}:iam::<AWS::AccountId>:role/*`),
    ]);
    set('imdsv2-auto-scaling-group', 'functionRole', [nag('*'), nag(`${p}:autoscaling:${rA}:autoScalingGroup:*:autoScalingGroupName/*`)]);
    set('imdsv2-account-defaults', 'automationRole', [nag('*')]);
    expect(acknowledged).toEqual(expected);
  });

  test('Noncompliance 1: a wildcard action added to an automation role is reported and fails synth', () => {
    const { app, remediations } = deployedApp();
    remediations.remediations['imdsv2-instance']!.automationRole.addToPrincipalPolicy(new PolicyStatement({ actions: ['ec2:*'], resources: ['*'] }));
    const ids = new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName);
    // Resource "*" stays acknowledged on that role (its Describe calls need it); the wildcard action does not.
    expect(ids).toEqual(['AwsSolutions-IAM5[Action::ec2:*]']);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::ec2:\*\]/);
  });

  test('Noncompliance 2: a wildcard resource the catalog does not grant is reported', () => {
    const { app, remediations } = deployedApp();
    remediations.remediations['imdsv2-account-defaults']!.automationRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['ec2:ModifyInstanceMetadataOptions'], resources: ['arn:aws:ec2:*:*:instance/*'] }),
    );
    const ids = new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName);
    expect(ids).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:ec2:*:*:instance/*]']);
  });
});

// cfn-lint exit code bits: 1 cfn-lint itself failed, 2 errors, 4 warnings, 8 informational only.
const FAILING_BITS = 1 | 2 | 4;

describe('cfn-lint over the synthesized template', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-remediation-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test.each(['automatic', 'manual'] as const)('passes the AWS cfn-lint with no error and no warning (%s)', (mode) => {
    const app = testApp(path.join(outdir, mode));
    const stack = new Imdsv2GuardStack(app, 'Imdsv2Guard', {});
    new Imdsv2Remediations(stack, 'Remediation', { rules: stack.rules, mode });
    app.synth();
    const template = path.join(outdir, mode, 'Imdsv2Guard.template.json');
    const lint = spawnSync('cfn-lint', ['--format', 'parseable', template], { encoding: 'utf8' });
    if (lint.error) {
      // A missing linter must fail the suite: a skipped lint proves nothing.
      throw new Error(`cfn-lint could not run (${lint.error.message}). It is required: pip install cfn-lint==1.51.0 (the Python tool, not the npm package).`);
    }
    const report = `${lint.stdout}${lint.stderr}`;
    expect({ status: (lint.status ?? 255) & FAILING_BITS, report }).toEqual({ status: 0, report: expect.any(String) });
    const types = Object.values(JSON.parse(readFileSync(template, 'utf8')).Resources as Record<string, Resource>).map((r) => r.Type);
    expect(types.filter((t) => t === 'AWS::Config::RemediationConfiguration')).toHaveLength(5);
  });
});
