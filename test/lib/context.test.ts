import { App } from 'aws-cdk-lib';
import { MaximumExecutionFrequency } from 'aws-cdk-lib/aws-config';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { RULE_IDS } from '../../lambda/rules/catalog';
import { configFromContext } from '../../lib/context';
import { CDK_JSON_CONTEXT } from './support';

const read = (context: Record<string, unknown>) => configFromContext(new App({ context }).node);

describe('configFromContext', () => {
  test('cdk.json holds the documented defaults', () => {
    const { stackName, props } = read(CDK_JSON_CONTEXT);
    expect(stackName).toBe('Imdsv2Guard');
    expect(props).toEqual({
      rules: [...RULE_IDS],
      maximumExecutionFrequency: MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
      parameters: {},
      logRetention: RetentionDays.THREE_MONTHS,
      logLevel: 'INFO',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      ruleNamePrefix: '',
    });
  });

  test('no context at all leaves every setting to the stack defaults', () => {
    const { stackName, props } = read({});
    expect(stackName).toBe('Imdsv2Guard');
    expect(Object.values(props).every((v) => v === undefined)).toBe(true);
  });

  test('command-line values arrive as strings and are read like cdk.json values', () => {
    const { stackName, props } = read({
      'imdsv2-guard:stackName': 'Guard',
      'imdsv2-guard:rules': 'imdsv2-instance, imdsv2-account-defaults',
      'imdsv2-guard:frequency': 'Six_Hours',
      'imdsv2-guard:parameters': '{"imdsv2-instance":{"maxHopLimit":2}}',
      'imdsv2-guard:logRetentionDays': '30',
      'imdsv2-guard:architecture': 'x86_64',
      'imdsv2-guard:memorySize': '512',
      'imdsv2-guard:runtime': 'nodejs22.x',
      'imdsv2-guard:ruleNamePrefix': 'org-',
    });
    expect(stackName).toBe('Guard');
    expect(props).toMatchObject({
      rules: ['imdsv2-instance', 'imdsv2-account-defaults'],
      maximumExecutionFrequency: 'Six_Hours',
      parameters: { 'imdsv2-instance': { maxHopLimit: 2 } },
      logRetention: RetentionDays.ONE_MONTH,
      architecture: Architecture.X86_64,
      memorySize: 512,
      runtime: Runtime.NODEJS_22_X,
      ruleNamePrefix: 'org-',
    });
  });

  test.each([
    ['imdsv2-guard:rules', 'imdsv2-instance,imdsv2-nope', /expected one of imdsv2-instance, .*got "imdsv2-nope"/],
    ['imdsv2-guard:frequency', 'Daily', /expected one of One_Hour, .*got "Daily"/],
    ['imdsv2-guard:parameters', '{not json', /is not valid JSON/],
    ['imdsv2-guard:parameters', '[]', /expected a JSON object keyed by rule id/],
    ['imdsv2-guard:logRetentionDays', 45, /CloudWatch Logs accepts 1, 3, 5, 7/],
    ['imdsv2-guard:architecture', 'arm', /expected one of arm64, x86_64/],
    ['imdsv2-guard:memorySize', '64', /expected an integer from 128 to 10240/],
    ['imdsv2-guard:runtime', 'node22', /unknown Lambda runtime "node22"/],
    ['imdsv2-guard:logLevel', 'VERBOSE', /expected one of TRACE, DEBUG/],
  ])('Context %s = %j is refused, naming the key', (key, value, message) => {
    expect(() => read({ [key]: value })).toThrow(`Context "${key}": `);
    expect(() => read({ [key]: value })).toThrow(message);
  });
});

describe('configFromContext: imdsv2-guard:controlIdsInName', () => {
  test('Compliance: "true" from the command line puts the control ids in the rule names', () => {
    expect(configFromContext(new App({ context: { 'imdsv2-guard:controlIdsInName': 'true' } }).node).props.controlIdsInName).toBe(true);
  });
  test('Noncompliance 1: anything but true/false fails with the key named', () => {
    expect(() => configFromContext(new App({ context: { 'imdsv2-guard:controlIdsInName': 'yes' } }).node)).toThrow(/imdsv2-guard:controlIdsInName/);
  });
});
