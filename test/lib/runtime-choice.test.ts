import { Template } from 'aws-cdk-lib/assertions';
import { RULE_IDS } from '../../lambda/rules/catalog';
import { configureApp } from '../../lib/guard-app';
import { HELPER_ENTRIES } from '../../lib/remediation';
import { synthMemberTemplate } from '../../lib/stackset/package';
import { CDK_JSON_CONTEXT, FAKE_CODE_VERSIONS, FAKE_HELPER_KEYS, FAKE_KEYS } from '../stackset/support';
import { testApp } from './support';

/** The Runtime of every AWS::Lambda::Function of a template, by logical id. */
function runtimes(template: { Resources: Record<string, { Type: string; Properties: { Runtime?: string } }> }): string[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => r.Properties.Runtime ?? '(none)');
}

const FUNCTIONS = RULE_IDS.length + HELPER_ENTRIES.length;

describe('the functions\' runtime: Node.js 24 by default, Node.js 22 on request', () => {
  test.each([
    ['cdk.json', {}, 'nodejs24.x'],
    ['no runtime setting (the constructs\' default)', { 'imdsv2-guard:runtime': undefined }, 'nodejs24.x'],
    ['-c imdsv2-guard:runtime=nodejs22.x', { 'imdsv2-guard:runtime': 'nodejs22.x' }, 'nodejs22.x'],
  ])('Compliance: the detection stack with remediation, %s %j: every rule and helper function runs %s', (_name, context, expected) => {
    const stack = configureApp(testApp({ 'imdsv2-guard:remediation': 'automatic', ...context }));
    const found = runtimes(Template.fromStack(stack).toJSON() as never);
    expect(found).toEqual(Array.from({ length: FUNCTIONS }, () => expected));
  });

  test.each([
    ['cdk.json', {}, 'nodejs24.x'],
    ['imdsv2-guard:runtime=nodejs22.x', { 'imdsv2-guard:runtime': 'nodejs22.x' }, 'nodejs22.x'],
  ])('Compliance: the StackSet member template, %s %j: every rule and helper function runs %s', (_name, context, expected) => {
    const template = JSON.parse(synthMemberTemplate(FAKE_KEYS, { ...CDK_JSON_CONTEXT, ...context }, 'test', FAKE_HELPER_KEYS, FAKE_CODE_VERSIONS).toString('utf8'));
    expect(runtimes(template)).toEqual(Array.from({ length: FUNCTIONS }, () => expected));
  });
});
