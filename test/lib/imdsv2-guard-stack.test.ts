import { Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MaximumExecutionFrequency } from 'aws-cdk-lib/aws-config';
import { RULE_IDS, type RuleId } from '../../lambda/rules/catalog';
import { configureApp } from '../../lib/guard-app';
import { Imdsv2GuardStack } from '../../lib/imdsv2-guard-stack';
import { actionsOf, logicalId, statementsOf, testApp } from './support';

// Written out here rather than read from lambda/rules/<id>/permissions.ts, so a change to the table has to be
// made twice, on purpose.
const EXPECTED_ACTIONS: Record<RuleId, string[]> = {
  'imdsv2-instance': [
    'config:GetComplianceDetailsByConfigRule',
    'config:GetResourceConfigHistory',
    'config:PutEvaluations',
    'ec2:DescribeInstances',
  ],
  'imdsv2-launch-template': [
    'config:GetComplianceDetailsByConfigRule',
    'config:GetResourceConfigHistory',
    'config:PutEvaluations',
    'ec2:DescribeImages',
    'ec2:DescribeLaunchTemplateVersions',
    'ec2:DescribeLaunchTemplates',
    'ec2:GetInstanceMetadataDefaults',
  ],
  'imdsv2-launch-configuration': [
    'autoscaling:DescribeLaunchConfigurations',
    'config:GetComplianceDetailsByConfigRule',
    'config:GetResourceConfigHistory',
    'config:PutEvaluations',
  ],
  'imdsv2-auto-scaling-group': [
    'autoscaling:DescribeAutoScalingGroups',
    'autoscaling:DescribeLaunchConfigurations',
    'autoscaling:DescribeWarmPool',
    'config:GetComplianceDetailsByConfigRule',
    'config:GetResourceConfigHistory',
    'config:PutEvaluations',
    'ec2:DescribeImages',
    'ec2:DescribeInstances',
    'ec2:DescribeLaunchTemplateVersions',
    'ec2:GetInstanceMetadataDefaults',
  ],
  'imdsv2-account-defaults': ['config:PutEvaluations', 'config:GetComplianceDetailsByConfigRule', 'ec2:GetInstanceMetadataDefaults'],
};

const RESOURCE_TYPES: Record<RuleId, string> = {
  'imdsv2-instance': 'AWS::EC2::Instance',
  'imdsv2-launch-template': 'AWS::EC2::LaunchTemplate',
  'imdsv2-launch-configuration': 'AWS::AutoScaling::LaunchConfiguration',
  'imdsv2-auto-scaling-group': 'AWS::AutoScaling::AutoScalingGroup',
  'imdsv2-account-defaults': 'AWS::::Account',
};

const DESCRIPTION_PREFIX: Record<RuleId, string> = {
  'imdsv2-instance': 'EC2.8: ',
  'imdsv2-launch-template': 'EC2.170: ',
  'imdsv2-launch-configuration': 'AutoScaling.3/AutoScaling.4: ',
  'imdsv2-auto-scaling-group': 'No Security Hub control (imdsv2-guard): ',
  'imdsv2-account-defaults': 'No Security Hub control (imdsv2-guard): ',
};

const CHANGE = [
  { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
  { EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' },
];
const periodic = (frequency: string) => ({
  EventSource: 'aws.config',
  MessageType: 'ScheduledNotification',
  MaximumExecutionFrequency: frequency,
});

describe('Imdsv2GuardStack with the cdk.json defaults', () => {
  const stack = configureApp(testApp());
  const template = Template.fromStack(stack);

  test('deploys the five rules as CUSTOM_LAMBDA Config rules, nothing else of the kind', () => {
    template.resourceCountIs('AWS::Config::ConfigRule', 5);
    template.resourceCountIs('AWS::Lambda::Function', 5);
    template.resourceCountIs('AWS::Logs::LogGroup', 5);
    expect(Object.keys(stack.rules).sort()).toEqual([...RULE_IDS].sort());
  });

  describe.each(RULE_IDS)('%s', (id) => {
    const rule = stack.rules[id]!;
    const changeTriggered = id !== 'imdsv2-account-defaults';

    test('is named by its id, with the scope and triggers its definition implies', () => {
      template.hasResourceProperties('AWS::Config::ConfigRule', {
        ConfigRuleName: id,
        Description: Match.stringLikeRegexp(`^${DESCRIPTION_PREFIX[id].replace(/[.()/]/g, '\\$&')}`),
        Scope: changeTriggered ? { ComplianceResourceTypes: [RESOURCE_TYPES[id]] } : Match.absent(),
        Source: {
          Owner: 'CUSTOM_LAMBDA',
          SourceIdentifier: { 'Fn::GetAtt': [logicalId(rule.function), 'Arn'] },
          SourceDetails: changeTriggered ? [...CHANGE, periodic('TwentyFour_Hours')] : [periodic('TwentyFour_Hours')],
        },
        InputParameters: Match.absent(),
        MaximumExecutionFrequency: Match.absent(),
      });
    });

    test('its function: arm64, Node.js 24, 256 MB, 15 minutes, its own log group, service name', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp(id),
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        MemorySize: 256,
        Timeout: 900,
        Role: { 'Fn::GetAtt': [logicalId(rule.role), 'Arn'] },
        LoggingConfig: { LogGroup: { Ref: logicalId(rule.logGroup) } },
        Environment: { Variables: { POWERTOOLS_SERVICE_NAME: id, LOG_LEVEL: 'INFO' } },
      });
      expect(template.toJSON().Resources[logicalId(rule.logGroup)].Properties).toEqual({ RetentionInDays: 90 });
    });

    test('only AWS Config for this account may invoke it, and the rule waits for that permission', () => {
      const permissions = template.findResources('AWS::Lambda::Permission', {
        Properties: { FunctionName: { 'Fn::GetAtt': [logicalId(rule.function), 'Arn'] } },
      });
      expect(Object.values(permissions).map((p) => p.Properties)).toEqual([
        {
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': [logicalId(rule.function), 'Arn'] },
          Principal: 'config.amazonaws.com',
          SourceAccount: { Ref: 'AWS::AccountId' },
        },
      ]);
      const ruleResource = template.toJSON().Resources[logicalId(rule.configRule)];
      expect(ruleResource.DependsOn).toEqual(Object.keys(permissions));
    });

    test('its role holds exactly the actions its code calls, plus writing its own logs', () => {
      const statements = statementsOf(template, logicalId(rule.role));
      expect(actionsOf(statements)).toEqual(
        [...EXPECTED_ACTIONS[id], 'logs:CreateLogStream', 'logs:PutLogEvents'].sort(),
      );
      for (const s of statements) {
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        expect(s.Effect).toBe('Allow');
        if (actions.some((a) => a.startsWith('logs:'))) {
          expect(s.Resource).toEqual({ 'Fn::GetAtt': [logicalId(rule.logGroup), 'Arn'] });
        } else if (actions.includes('config:GetComplianceDetailsByConfigRule')) {
          // The one config read that takes a resource: the rule's own ARN only.
          expect(actions).toEqual(['config:GetComplianceDetailsByConfigRule']);
          expect(s.Resource).toEqual({ 'Fn::GetAtt': [logicalId(rule.configRule), 'Arn'] });
        } else {
          expect(s.Resource).toBe('*');
        }
      }
    });
  });

  test('no managed policies, no wildcard actions, no write beyond PutEvaluations and logs', () => {
    const roles = template.findResources('AWS::IAM::Role');
    for (const [roleId, role] of Object.entries(roles)) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      for (const action of actionsOf(statementsOf(template, roleId))) {
        expect(action).not.toContain('*');
        expect(action).toMatch(/^(ec2:(Describe|Get)|autoscaling:Describe|config:(Get|PutEvaluations$)|logs:(CreateLogStream|PutLogEvents)$)/);
      }
    }
  });

  test('is environment-agnostic: no account or region is baked in', () => {
    expect(Token.isUnresolved(stack.account) && Token.isUnresolved(stack.region)).toBe(true);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/\b\d{12}\b/);
  });
});

describe('Imdsv2GuardStack options', () => {
  test('a subset of rules, a frequency, a prefix and typed parameters', () => {
    const stack = new Imdsv2GuardStack(testApp(), 'Subset', {
      rules: ['imdsv2-launch-template', 'imdsv2-account-defaults'],
      maximumExecutionFrequency: MaximumExecutionFrequency.SIX_HOURS,
      ruleNamePrefix: 'org-',
      parameters: {
        'imdsv2-launch-template': { versions: ['latest', 'default', 'latest'], maxHopLimit: 2, acceptInheritedDefaults: true },
        'imdsv2-account-defaults': { requireEnforcement: true },
      },
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Config::ConfigRule', 2);
    template.hasResourceProperties('AWS::Config::ConfigRule', {
      ConfigRuleName: 'org-imdsv2-launch-template',
      // Every value a string, lists comma-joined and normalised as the Lambda reads them.
      InputParameters: { versions: 'latest,default', maxHopLimit: '2', acceptInheritedDefaults: 'true' },
      Source: { SourceDetails: [...CHANGE, periodic('Six_Hours')] },
    });
    template.hasResourceProperties('AWS::Config::ConfigRule', {
      ConfigRuleName: 'org-imdsv2-account-defaults',
      InputParameters: { requireEnforcement: 'true' },
      Source: { SourceDetails: [periodic('Six_Hours')] },
    });
  });

  test('a bad parameter fails synth with the message the Lambda would give', () => {
    expect(
      () =>
        new Imdsv2GuardStack(testApp(), 'Bad', {
          parameters: { 'imdsv2-instance': { maxHopLimit: 65 } },
        }),
    ).toThrow('imdsv2-instance: Rule parameter "maxHopLimit": must be between 1 and 64, got 65');
    expect(
      () =>
        new Imdsv2GuardStack(testApp(), 'Typo', {
          parameters: { 'imdsv2-instance': { maxHoplimit: 2 } as never },
        }),
    ).toThrow('Rule parameter "maxHoplimit": is not a parameter of this rule (known: maxHopLimit, exemptionTagKey, maxExemptionDays)');
  });

  test('parameters for a rule that is not deployed, unknown or no rules are refused', () => {
    expect(
      () =>
        new Imdsv2GuardStack(testApp(), 'Orphan', {
          rules: ['imdsv2-instance'],
          parameters: { 'imdsv2-launch-template': { maxHopLimit: 2 } },
        }),
    ).toThrow('Parameters given for rule(s) not deployed: imdsv2-launch-template');
    expect(() => new Imdsv2GuardStack(testApp(), 'Unknown', { rules: ['imdsv2-nope' as RuleId] })).toThrow(
      'Unknown rule id(s) imdsv2-nope',
    );
    expect(() => new Imdsv2GuardStack(testApp(), 'None', { rules: [] })).toThrow('Select at least one rule');
  });
});
