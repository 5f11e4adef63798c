import { Validations } from 'aws-cdk-lib';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { configureApp } from '../../lib/guard-app';
import { testApp } from './support';

/** Acknowledged rule ids per construct path, read back from the metadata cdk-nag consults. */
function acknowledgements(root: IConstruct): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        out[c.node.path] = Object.keys(m.data as object).map((k) => k.replace(/^annotation::/i, ''));
      }
    }
  }
  return out;
}

describe('cdk-nag AwsSolutionsChecks', () => {
  test('Compliance: no unacknowledged finding, and synth (which runs the pack) succeeds', () => {
    const app = testApp();
    configureApp(app);
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  test('Compliance: the only acknowledgements are the wildcard resource on each role (the default runtime is the newest: no AwsSolutions-L1)', () => {
    const app = testApp();
    const stack = configureApp(app);
    const expected: Record<string, string[]> = {};
    for (const rule of Object.values(stack.rules)) {
      expected[rule!.role.node.path] = ['AwsSolutions-IAM5[Resource::*]'];
    }
    expect(acknowledgements(app)).toEqual(expected);
  });

  test.each([
    ['the default runtime', {}],
    ['nodejs22.x, still selectable', { 'imdsv2-guard:runtime': 'nodejs22.x' }],
  ])('Compliance: each acknowledgement answers a finding the pack really makes (%s)', (_name, context) => {
    const app = testApp(context);
    configureApp(app);
    const pack = new AwsSolutionsChecks();
    // The same pack blind to acknowledgements (isAcknowledged is private in cdk-nag 3.0.2).
    Object.assign(pack, { isAcknowledged: () => false });
    const found: Record<string, string[]> = {};
    for (const v of pack.validateScope(app).violations) {
      for (const r of v.violatingResources) {
        const owner = r.constructPath!.replace(/\/Resource$/, '');
        (found[owner] ??= []).push(v.ruleName);
      }
    }
    expect(found).toEqual(acknowledgements(app));
  });

  test('Compliance: a function kept on nodejs22.x is acknowledged for AwsSolutions-L1, with the reason', () => {
    const app = testApp({ 'imdsv2-guard:runtime': 'nodejs22.x' });
    const stack = configureApp(app);
    for (const rule of Object.values(stack.rules)) {
      expect(acknowledgements(app)[rule!.function.node.path]).toEqual(['AwsSolutions-L1']);
    }
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });

  test('Noncompliance 1: a wildcard action added to a rule role is reported and fails synth', () => {
    const app = testApp();
    const stack = configureApp(app);
    stack.rules['imdsv2-instance']!.function.addToRolePolicy(new PolicyStatement({ actions: ['ec2:*'], resources: ['*'] }));
    const ids = new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName);
    // Resource::* stays acknowledged on that role; the new wildcard action is not.
    expect(ids).toEqual(['AwsSolutions-IAM5[Action::ec2:*]']);
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::ec2:\*\]/);
  });

  test('Noncompliance 2: Resource "*" outside the rule roles is not covered by their acknowledgement', () => {
    const app = testApp();
    const stack = configureApp(app);
    new Policy(stack, 'Stray', { statements: [new PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] })] });
    const ids = new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName);
    expect(ids).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  });
});
