import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { instanceRule } from '../../lambda/rules/imdsv2-instance/definition';
import { launchConfigurationRule } from '../../lambda/rules/imdsv2-launch-configuration/definition';
import { Imdsv2Rule, type Imdsv2RuleProps } from '../../lib/imdsv2-rule';
import { testApp } from './support';

function rule<P>(props: Imdsv2RuleProps<P>): { construct: Imdsv2Rule<P>; template: Template } {
  const stack = new Stack(testApp(), 'S');
  const construct = new Imdsv2Rule(stack, 'R', props);
  return { construct, template: Template.fromStack(stack) };
}

describe('Imdsv2Rule on its own', () => {
  test('deploys one rule in any stack, named by prefix and id', () => {
    const { construct, template } = rule({ definition: instanceRule, ruleNamePrefix: 'sec_' });
    expect(construct.ruleName).toBe('sec_imdsv2-instance');
    template.hasResourceProperties('AWS::Config::ConfigRule', { ConfigRuleName: 'sec_imdsv2-instance' });
  });

  test('parameters left unset ("" or undefined) are not sent, so the Lambda default applies', () => {
    const { template } = rule({ definition: instanceRule, parameters: { maxHopLimit: undefined, exemptionTagKey: '' } });
    const [config] = Object.values(template.findResources('AWS::Config::ConfigRule'));
    expect(config.Properties.InputParameters).toBeUndefined();
  });

  test('values are normalised as the Lambda parses them', () => {
    const { template } = rule({
      definition: launchConfigurationRule,
      parameters: { maxHopLimit: ' 2 ' as unknown as number },
    });
    template.hasResourceProperties('AWS::Config::ConfigRule', { InputParameters: { maxHopLimit: '2' } });
  });

  test.each([
    ['a prefix with spaces', { ruleNamePrefix: 'bad prefix ' }, 'ruleNamePrefix "bad prefix ": use letters, digits, "-" and "_" only'],
    // GetComplianceDetailsByConfigRule, which the sweep calls, takes names of at most 64 characters.
    ['a name over 64 characters', { ruleNamePrefix: 'x'.repeat(50) }, 'has 65 characters; at most 64 are allowed'],
    ['Node.js 20', { runtime: Runtime.NODEJS_20_X }, 'runtime nodejs20.x: the rules need Node.js 22 or later'],
    ['a Python runtime', { runtime: Runtime.PYTHON_3_12 }, 'the rules need Node.js 22 or later'],
  ])('refuses %s', (_name, props, message) => {
    expect(() => rule({ definition: instanceRule, ...props })).toThrow(message);
  });

  test('a description AWS Config would refuse fails synth', () => {
    const longSummary = { ...instanceRule, summary: 'x'.repeat(250) };
    expect(() => rule({ definition: longSummary })).toThrow('the rule description has 257 characters, AWS Config allows 256');
  });
});
