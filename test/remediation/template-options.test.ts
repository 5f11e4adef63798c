import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, CfnCondition, CfnParameter, CfnResource, Fn, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnConfigRule } from 'aws-cdk-lib/aws-config';
import { Code, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { RULE_IDS, type RuleId } from '../../lambda/rules/catalog';
import { HELPER_ENTRIES, Imdsv2Remediation, Imdsv2Remediations, REMEDIATIONS, type Imdsv2RemediationsProps } from '../../lib/remediation';
import { BootstrapFreeSynthesizer } from '../../lib/stackset/bootstrap-free-synthesizer';

/**
 * The options that let a template without CDK assets, whose remediation mode is a parameter,
 * carry the remediations (the StackSet member template): helper code from a bucket, a condition
 * on every resource and an Automatic that depends on a condition.
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CDK_CONTEXT = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

function setup(props: (stack: Stack) => Partial<Imdsv2RemediationsProps>, bootstrapFree = false) {
  const app = new App({ context: { ...CDK_CONTEXT, ...SKIP_BUNDLING } });
  const stack = new Stack(app, 'Test', bootstrapFree ? { synthesizer: new BootstrapFreeSynthesizer() } : {});
  const rules: Partial<Record<RuleId, { configRule: CfnConfigRule }>> = {};
  for (const id of RULE_IDS) {
    rules[id] = { configRule: new CfnConfigRule(stack, `${id}-rule`, { configRuleName: id, source: { owner: 'CUSTOM_LAMBDA', sourceIdentifier: 'arn:aws:lambda:us-east-1:123456789012:function:x' } }) };
  }
  const remediations = new Imdsv2Remediations(stack, 'Remediation', { rules, ...props(stack) });
  return { stack, remediations, template: Template.fromStack(stack).toJSON() as { Resources: Record<string, any> } };
}

const bucketCode = (stack: Stack) => {
  const bucket = Bucket.fromBucketName(stack, 'Code', 'code-bucket');
  Validations.of(bucket).acknowledge({ id: 'Annotation::@aws-cdk/aws-lambda:codeFromBucketObjectVersionNotSpecified', reason: 'Test keys never change.' });
  return Object.fromEntries(HELPER_ENTRIES.map((e) => [e, Code.fromBucket(bucket, `remediation/${e}.zip`)]));
};

describe('helper code from a bucket', () => {
  const { stack, remediations, template } = setup((s) => ({ helperCode: bucketCode(s) }), true);

  test('every helper is a plain Function reading its zip (index.handler), and nothing is a CDK asset', () => {
    for (const id of RULE_IDS) {
      const fn = remediations.remediations[id]!.function;
      const entry = REMEDIATIONS[id].helper?.entry;
      if (!entry) {
        expect(fn).toBeUndefined();
        continue;
      }
      expect(fn).toBeInstanceOf(LambdaFunction);
      const props = template.Resources[stack.getLogicalId(fn!.node.defaultChild as CfnResource)].Properties;
      expect({ id, code: props.Code, handler: props.Handler }).toEqual({ id, code: { S3Bucket: 'code-bucket', S3Key: `remediation/${entry}.zip` }, handler: 'index.handler' });
    }
  });

  test('code for an unknown helper, or for a remediation without one, is refused', () => {
    expect(() => setup((s) => ({ helperCode: { ...bucketCode(s), 'no-such-helper': Code.fromInline('x') } }))).toThrow(/helperCode for unknown helper\(s\) no-such-helper/);
    const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'One');
    const configRule = new CfnConfigRule(stack, 'Rule', { source: { owner: 'CUSTOM_LAMBDA', sourceIdentifier: 'arn:aws:lambda:us-east-1:123456789012:function:x' } });
    expect(() => new Imdsv2Remediation(stack, 'R', { ruleId: 'imdsv2-account-defaults', configRule, code: Code.fromInline('x') })).toThrow(/no helper function/);
  });
});

describe('conditions', () => {
  const { stack, remediations, template } = setup((s) => {
    const mode = new CfnParameter(s, 'Mode', { allowedValues: ['None', 'Manual', 'Automatic'] });
    const instance = new CfnParameter(s, 'Instance', { allowedValues: ['Yes', 'No'] });
    return {
      mode: 'automatic',
      automaticCondition: new CfnCondition(s, 'IsAutomatic', { expression: Fn.conditionEquals(mode.valueAsString, 'Automatic') }),
      condition: new CfnCondition(s, 'On', { expression: Fn.conditionNot(Fn.conditionEquals(mode.valueAsString, 'None')) }),
      overrides: { 'imdsv2-instance': { condition: new CfnCondition(s, 'InstanceOn', { expression: Fn.conditionEquals(instance.valueAsString, 'Yes') }) } },
    };
  });

  test('the condition is on every resource of every remediation; an override replaces it for its rule', () => {
    for (const id of RULE_IDS) {
      const ids = remediations.remediations[id]!.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource);
      expect(ids.length).toBeGreaterThanOrEqual(3);
      for (const c of ids) expect({ id, condition: template.Resources[stack.getLogicalId(c)].Condition }).toEqual({ id, condition: id === 'imdsv2-instance' ? 'InstanceOn' : 'On' });
    }
  });

  test('automaticCondition: Automatic is Fn::If [condition, true, false] and the automatic-only settings go with it', () => {
    for (const id of RULE_IDS) {
      const props = template.Resources[stack.getLogicalId(remediations.remediations[id]!.remediationConfiguration!)].Properties;
      expect(props).toMatchObject({
        Automatic: { 'Fn::If': ['IsAutomatic', true, false] },
        MaximumAutomaticAttempts: { 'Fn::If': ['IsAutomatic', 3, { Ref: 'AWS::NoValue' }] },
        RetryAttemptSeconds: { 'Fn::If': ['IsAutomatic', 600, { Ref: 'AWS::NoValue' }] },
        ExecutionControls: { 'Fn::If': ['IsAutomatic', { SsmControls: { ConcurrentExecutionRatePercentage: 10, ErrorPercentage: 10 } }, { Ref: 'AWS::NoValue' }] },
      });
    }
  });

  test('automaticCondition needs mode automatic', () => {
    expect(() =>
      setup((s) => ({ mode: 'manual', automaticCondition: new CfnCondition(s, 'C', { expression: Fn.conditionEquals('a', 'a') }) })),
    ).toThrow(/automaticCondition needs mode automatic \(got manual\)/);
  });
});
