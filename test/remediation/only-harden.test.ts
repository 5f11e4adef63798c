// Remediation roles and documents can only harden: the deployed role policies are evaluated with the
// guardrails' IAM evaluator (test/guardrails/policy-evaluator.ts) on requests a role could make, and
// the documents the construct deploys are checked for their hop-limit cap.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnConfigRule } from 'aws-cdk-lib/aws-config';
import { RULE_IDS, type RuleId } from '../../lambda/rules/catalog';
import { Imdsv2GuardStack } from '../../lib/imdsv2-guard-stack';
import { Imdsv2Remediations, type Imdsv2RemediationsProps } from '../../lib/remediation';
import { evaluate, type Policy, type Request } from '../guardrails/policy-evaluator';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CDK_CONTEXT = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };
const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012' };

/** Fn::Join / Ref of pseudo parameters resolved as CloudFormation would in us-east-1 of 123456789012. */
function resolve(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(resolve);
  if (node === null || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  if (typeof o.Ref === 'string' && PSEUDO[o.Ref]) return PSEUDO[o.Ref];
  if (Array.isArray(o['Fn::Join'])) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return (parts.map(resolve) as string[]).join(sep);
  }
  if (o['Fn::GetAtt']) return `arn:aws:lambda:us-east-1:123456789012:function:${(o['Fn::GetAtt'] as string[])[0]}`;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(v)]));
}

function deployed(props: Partial<Imdsv2RemediationsProps> = {}) {
  const app = new App({ context: { ...CDK_CONTEXT, ...SKIP_BUNDLING } });
  const stack = new Stack(app, 'Test');
  const rules: Partial<Record<RuleId, { configRule: CfnConfigRule }>> = {};
  for (const id of RULE_IDS) {
    rules[id] = { configRule: new CfnConfigRule(stack, `${id}-rule`, { configRuleName: id, source: { owner: 'CUSTOM_LAMBDA', sourceIdentifier: 'arn:aws:lambda:us-east-1:123456789012:function:x' } }) };
  }
  const remediations = new Imdsv2Remediations(stack, 'Remediation', { rules, ...props });
  const json = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
  const logical = (c: import('constructs').IConstruct) => stack.getLogicalId((c.node.defaultChild ?? c) as any);
  const policy = (role: import('constructs').IConstruct): Policy => ({
    Statement: resolve(json.Resources[logical(role)].Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement)) as Policy['Statement'],
  });
  const content = (id: RuleId) => json.Resources[logical(remediations.remediations[id]!.document)].Properties.Content;
  return { remediations, policy, content, json };
}

const INSTANCE = 'arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0';
const decide = (p: Policy, r: Request) => evaluate([p], r).decision;

describe('imdsv2-instance automation role (ModifyInstanceMetadataOptions), capped at hop limit 2', () => {
  const { remediations, policy } = deployed({ maxHopLimit: 2 });
  const role = policy(remediations.remediations['imdsv2-instance']!.automationRole);
  const modify = (context: Request['context']): Request => ({ action: 'ec2:ModifyInstanceMetadataOptions', resource: INSTANCE, context });

  test.each([
    ['tokens required, hop limit 1', { 'ec2:Attribute/HttpTokens': 'required', 'ec2:Attribute/HttpPutResponseHopLimit': 1 }],
    ['tokens required, hop limit 2 (the cap), endpoint sent back', { 'ec2:Attribute/HttpTokens': 'required', 'ec2:Attribute/HttpPutResponseHopLimit': 2, 'ec2:Attribute/HttpEndpoint': 'enabled' }],
  ])('Compliance: allowed: %s', (_n, context) => expect(decide(role, modify(context))).toBe('Allow'));

  test.each([
    ['tokens optional', { 'ec2:Attribute/HttpTokens': 'optional', 'ec2:Attribute/HttpPutResponseHopLimit': 1 }],
    ['tokens not sent (a hop-limit-only change)', { 'ec2:Attribute/HttpPutResponseHopLimit': 1 }],
    ['hop limit raised above the cap', { 'ec2:Attribute/HttpTokens': 'required', 'ec2:Attribute/HttpPutResponseHopLimit': 3 }],
    ['hop limit 64', { 'ec2:Attribute/HttpTokens': 'required', 'ec2:Attribute/HttpPutResponseHopLimit': 64 }],
  ])('Noncompliance: refused: %s', (_n, context) => expect(decide(role, modify(context))).not.toBe('Allow'));
});

describe('imdsv2-account-defaults automation role (ModifyInstanceMetadataDefaults), capped at hop limit 2', () => {
  const { remediations, policy } = deployed({ maxHopLimit: 2 });
  const role = policy(remediations.remediations['imdsv2-account-defaults']!.automationRole);
  const modify = (context: Request['context']): Request => ({ action: 'ec2:ModifyInstanceMetadataDefaults', resource: '*', context });

  test.each([
    ['HttpTokens required (the document\'s first step)', { 'ec2:Attribute/HttpTokens': 'required' }],
    ['hop limit 2', { 'ec2:Attribute/HttpPutResponseHopLimit': 2 }],
    ['hop limit -1 (no preference)', { 'ec2:Attribute/HttpPutResponseHopLimit': -1 }],
    ['HttpTokensEnforced enabled', { 'ec2:Attribute/HttpTokensEnforced': 'enabled' }],
  ])('Compliance: allowed: %s', (_n, context) => expect(decide(role, modify(context))).toBe('Allow'));

  test.each([
    ['HttpTokens optional', { 'ec2:Attribute/HttpTokens': 'optional' }],
    ['HttpTokens no-preference', { 'ec2:Attribute/HttpTokens': 'no-preference' }],
    ['enforcement removed', { 'ec2:Attribute/HttpTokensEnforced': 'disabled' }],
    ['hop limit raised above the cap', { 'ec2:Attribute/HttpPutResponseHopLimit': 3 }],
    ['the endpoint default changed', { 'ec2:Attribute/HttpEndpoint': 'enabled' }],
    ['required together with enforcement off', { 'ec2:Attribute/HttpTokens': 'required', 'ec2:Attribute/HttpTokensEnforced': 'disabled' }],
  ])('Noncompliance: refused: %s', (_n, context) => expect(decide(role, modify(context))).toBe('ExplicitDeny'));
});

describe('imdsv2-launch-configuration function role: what Auto Scaling checks on the group update (RunInstances)', () => {
  const { remediations, policy } = deployed({ maxHopLimit: 2 });
  const role = policy(remediations.remediations['imdsv2-launch-configuration']!.functionRole!);
  const LT = 'arn:aws:ec2:us-east-1:123456789012:launch-template/lt-0123456789abcdef0';
  const good = { 'ec2:MetadataHttpTokens': 'required', 'ec2:MetadataHttpPutResponseHopLimit': 1, 'ec2:LaunchTemplate': LT };
  const run = (resource: string, context: Request['context']): Request => ({ action: 'ec2:RunInstances', resource, context });

  test('Compliance: an instance from a template of the account requiring IMDSv2; the tagged template; the image', () => {
    expect(decide(role, run(INSTANCE, good))).toBe('Allow');
    expect(decide(role, run(LT, { 'aws:ResourceTag/imdsv2-guard:source-launch-configuration': 'web-v1' }))).toBe('Allow');
    expect(decide(role, run('arn:aws:ec2:us-east-1::image/ami-12c6146b', {}))).toBe('Allow');
  });

  test.each([
    ['tokens optional', run(INSTANCE, { ...good, 'ec2:MetadataHttpTokens': 'optional' })],
    ['tokens not set', run(INSTANCE, { ...good, 'ec2:MetadataHttpTokens': undefined })],
    ['hop limit above the cap', run(INSTANCE, { ...good, 'ec2:MetadataHttpPutResponseHopLimit': 3 })],
    ['no launch template', run(INSTANCE, { ...good, 'ec2:LaunchTemplate': undefined })],
    ['a template of another account', run(INSTANCE, { ...good, 'ec2:LaunchTemplate': 'arn:aws:ec2:us-east-1:210987654321:launch-template/lt-0123456789abcdef0' })],
    ['an untagged template', run(LT, {})],
  ])('Noncompliance: refused: %s', (_n, request) => expect(decide(role, request)).toBe('ExplicitDeny'));
});

describe('the documents the construct deploys carry the cap', () => {
  test('Compliance: HttpPutResponseHopLimit allows nothing above the cap; the instance document lowers a kept hop limit above it; the functions get it', () => {
    const { content, remediations, json } = deployed({ maxHopLimit: 2 });
    for (const id of ['imdsv2-instance', 'imdsv2-launch-template', 'imdsv2-launch-configuration'] as const) {
      expect(content(id).parameters.HttpPutResponseHopLimit.allowedValues).toEqual([0, 1, 2]);
    }
    expect(content('imdsv2-account-defaults').parameters.HttpPutResponseHopLimit.allowedValues).toEqual([-1, 0, 1, 2]);
    const steps = content('imdsv2-instance').mainSteps as Array<{ name: string; inputs: any }>;
    const choose = steps.find((s) => s.name === 'ChooseHopLimit')!;
    expect(choose.inputs.Choices[0].And[1]).toEqual({ Variable: '{{ ReadMetadataOptions.CurrentHopLimit }}', NumericGreater: 2 });
    expect(steps.find((s) => s.name === 'RequireTokensLoweringHopLimit')!.inputs.HttpPutResponseHopLimit).toBe(2);
    for (const id of ['imdsv2-instance', 'imdsv2-launch-template', 'imdsv2-launch-configuration'] as const) {
      const fn = json.Resources[Stack.of(remediations).getLogicalId(remediations.remediations[id]!.function!.node.defaultChild as any)];
      expect(fn.Properties.Environment.Variables.IMDSV2_GUARD_MAX_HOP_LIMIT).toBe('2');
    }
  });

  test('Compliance: the stack caps each remediation at its rule\'s maxHopLimit (given, or the rule default: 1 for launch configurations); no cap without one', () => {
    const app = new App({ context: { ...CDK_CONTEXT, ...SKIP_BUNDLING } });
    const stack = new Imdsv2GuardStack(app, 'Guard', { parameters: { 'imdsv2-instance': { maxHopLimit: 2 } }, remediation: { mode: 'manual' } });
    const caps = Object.fromEntries(Object.entries(stack.remediation!.remediations).map(([id, r]) => [id, r!.maxHopLimit]));
    expect(caps).toEqual({
      'imdsv2-instance': 2,
      'imdsv2-launch-template': 64,
      'imdsv2-launch-configuration': 1,
      'imdsv2-auto-scaling-group': 64,
      'imdsv2-account-defaults': 64,
    });
  });

  test('Noncompliance: a cap outside 1-64 fails synth', () => {
    expect(() => deployed({ maxHopLimit: 0 })).toThrow(/maxHopLimit must be an integer from 1 to 64/);
    expect(() => deployed({ maxHopLimit: 65 })).toThrow(/maxHopLimit must be an integer from 1 to 64/);
  });
});
