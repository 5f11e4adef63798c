import { App } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { CONTEXT_KEYS, configFromContext } from '../../lib/context';
import { ContextError } from '../../lib/context-error';
import { allContextKeys, checkContextKeys } from '../../lib/context-keys';
import { configureApp } from '../../lib/guard-app';
import { GUARDRAIL_CONTEXT_KEYS, guardrailsConfigFromContext } from '../../lib/guardrails/guardrails-context';
import { REMEDIATION_CONTEXT_KEYS, remediationFromContext } from '../../lib/remediation/remediation-context';
import { MANAGEMENT_CONTEXT_KEYS, managementConfigFromContext } from '../../lib/stackset/management-context';
import { CDK_JSON_CONTEXT, testApp } from './support';

const nodeWith = (context: Record<string, unknown>): Node => new App({ context }).node;

/** The error `fn` throws (fails the test when it throws none). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, none was thrown');
}

describe('checkContextKeys: an imdsv2-guard key the app does not read fails synth', () => {
  test.each([
    ['imdsv2-guard:remediaton', 'imdsv2-guard:remediation'],
    ['imdsv2-guard:remediationMaxAttempt', 'imdsv2-guard:remediationMaxAttempts'],
    ['imdsv2-guard:runtme', 'imdsv2-guard:runtime'],
    ['imdsv2-guard:guardrails:mod', 'imdsv2-guard:guardrails:mode'],
    ['imdsv2-guard:guardrail:mode', 'imdsv2-guard:guardrails:mode'],
    ['imdsv2-guard:management:regoins', 'imdsv2-guard:management:regions'],
    ['imdsv2-guard:remediation:mode', 'imdsv2-guard:remediation'],
    ['Imdsv2-Guard:rules', 'imdsv2-guard:rules'], // the prefix's case
    ['imdsv2_guard:rules', 'imdsv2-guard:rules'], // the prefix's punctuation
  ])('Noncompliance: %s → did you mean %s?', (typo, meant) => {
    const error = thrown(() => checkContextKeys(nodeWith({ [typo]: 'x' })));
    expect(error).toBeInstanceOf(ContextError);
    expect((error as ContextError).key).toBe(typo);
    expect((error as Error).message).toBe(`Context "${typo}": unknown key; did you mean "${meant}"?`);
  });

  test('Noncompliance: a key like none of ours lists the valid keys, on one line', () => {
    const message = (thrown(() => checkContextKeys(nodeWith({ 'imdsv2-guard:colour': 'blue' }))) as Error).message;
    expect(message).toMatch(/^Context "imdsv2-guard:colour": unknown key; the keys are imdsv2-guard:stackName, /);
    for (const key of allContextKeys()) expect(message).toContain(key);
    expect(message).not.toContain('\n');
  });

  test('Noncompliance: several unknown keys are all named in the one line', () => {
    const message = (thrown(() => checkContextKeys(nodeWith({ 'imdsv2-guard:rulez': 'a', 'imdsv2-guard:runtme': 'b' }))) as Error).message;
    expect(message).toBe('Context "imdsv2-guard:rulez": unknown key; did you mean "imdsv2-guard:rules"? (also unknown: imdsv2-guard:runtme)');
  });

  test('Noncompliance: configureApp (what cdk synth runs) refuses the typo before building anything', () => {
    const app = testApp({ 'imdsv2-guard:remediaton': 'automatic' });
    expect(() => configureApp(app)).toThrow('Context "imdsv2-guard:remediaton": unknown key; did you mean "imdsv2-guard:remediation"?');
    expect(app.node.children).toHaveLength(0);
  });

  test('Compliance: cdk.json, every key of every table, and keys that are not ours pass', () => {
    expect(() => checkContextKeys(nodeWith(CDK_JSON_CONTEXT))).not.toThrow();
    expect(() => checkContextKeys(nodeWith(Object.fromEntries(allContextKeys().map((k) => [k, 'x']))))).not.toThrow();
    expect(() => checkContextKeys(nodeWith({ '@aws-cdk/core:newStyleStackSynthesis': true, 'aws:cdk:bundling-stacks': [], other: 1 }))).not.toThrow();
  });

  test('Compliance: the valid keys are the four readers\' tables, each key once', () => {
    const tables = [CONTEXT_KEYS, REMEDIATION_CONTEXT_KEYS, GUARDRAIL_CONTEXT_KEYS, MANAGEMENT_CONTEXT_KEYS].flatMap((t) => Object.values(t));
    expect([...allContextKeys()].sort()).toEqual([...tables].sort());
    expect(new Set(allContextKeys()).size).toBe(allContextKeys().length);
  });
});

/**
 * Every key of every reader, given a value no reader accepts (a list holding a list: not a string,
 * number, flag, object nor list of strings), fails with one line naming that key. The baseline
 * context switches each reader on so that it reads all of its keys.
 */
const NOTHING_VALID = [[]];
const READERS: ReadonlyArray<[string, Record<string, string>, Record<string, unknown>, (node: Node) => unknown]> = [
  ['configFromContext', CONTEXT_KEYS, {}, configFromContext],
  ['remediationFromContext', REMEDIATION_CONTEXT_KEYS, { [REMEDIATION_CONTEXT_KEYS.mode]: 'manual' }, remediationFromContext],
  ['guardrailsConfigFromContext', GUARDRAIL_CONTEXT_KEYS, { [GUARDRAIL_CONTEXT_KEYS.enabled]: 'true' }, guardrailsConfigFromContext],
  [
    'managementConfigFromContext',
    MANAGEMENT_CONTEXT_KEYS,
    {
      [MANAGEMENT_CONTEXT_KEYS.enabled]: 'true',
      [MANAGEMENT_CONTEXT_KEYS.organizationId]: 'o-a1b2c3d4e5',
      [MANAGEMENT_CONTEXT_KEYS.organizationalUnitIds]: 'r-ab12',
      [MANAGEMENT_CONTEXT_KEYS.regions]: 'us-east-1',
      [MANAGEMENT_CONTEXT_KEYS.region]: 'us-east-1',
      [MANAGEMENT_CONTEXT_KEYS.assetBucketPrefix]: 'acme-imdsv2-guard',
    },
    (node) => managementConfigFromContext(node, {}),
  ],
];

describe.each(READERS)('%s: every error is one line naming its key', (_name, keys, baseline, read) => {
  test('Compliance: the baseline reads', () => {
    expect(() => read(nodeWith(baseline))).not.toThrow();
  });

  test.each(Object.values(keys))('Noncompliance: a bad %s', (key) => {
    const error = thrown(() => read(nodeWith({ ...baseline, [key]: NOTHING_VALID })));
    expect(error).toBeInstanceOf(ContextError);
    expect((error as ContextError).key).toBe(key);
    expect((error as Error).message).toMatch(new RegExp(`^Context "${key}": \\S`));
    expect((error as Error).message).not.toMatch(/\n/);
  });
});

describe('configFromContext: mistakes a construct would report are reported against their key', () => {
  test.each([
    ['imdsv2-guard:runtime', 'nodejs20.x', 'Context "imdsv2-guard:runtime": runtime nodejs20.x: the functions need Node.js 22 or later (e.g. nodejs24.x or nodejs22.x)'],
    ['imdsv2-guard:runtime', 'python3.12', 'Context "imdsv2-guard:runtime": runtime python3.12: the functions need Node.js 22 or later (e.g. nodejs24.x or nodejs22.x)'],
    ['imdsv2-guard:parameters', '{"imdsv2-instance":{"maxHopLimit":"lots"}}', 'Context "imdsv2-guard:parameters": imdsv2-instance: '],
    ['imdsv2-guard:parameters', '{"imdsv2-instance":{"noSuchParameter":1}}', 'Context "imdsv2-guard:parameters": imdsv2-instance: '],
    ['imdsv2-guard:parameters', '{"imdsv2-instanse":{}}', 'Context "imdsv2-guard:parameters": unknown rule id imdsv2-instanse (expected one of imdsv2-instance, '],
    ['imdsv2-guard:parameters', '{"imdsv2-instance":"2"}', 'Context "imdsv2-guard:parameters": imdsv2-instance: expected an object of parameter values'],
  ])('Noncompliance: %s = %s', (key, value, message) => {
    const error = thrown(() => configFromContext(nodeWith({ [key]: value })));
    expect(error).toBeInstanceOf(ContextError);
    expect((error as Error).message.startsWith(message)).toBe(true);
    expect((error as Error).message).not.toMatch(/\n/);
  });

  test('Noncompliance: configureApp refuses parameters for a rule left out of imdsv2-guard:rules (the member template offers every rule, so the reader allows them)', () => {
    const context = { 'imdsv2-guard:rules': 'imdsv2-instance', 'imdsv2-guard:parameters': '{"imdsv2-launch-template":{}}' };
    expect(() => configFromContext(nodeWith(context))).not.toThrow();
    expect(() => configureApp(testApp(context))).toThrow(
      'Context "imdsv2-guard:parameters": imdsv2-launch-template not among the deployed rules (imdsv2-guard:rules: imdsv2-instance)',
    );
  });

  test.each([
    ['{"imdsv2-instance":{"parameters":{"LookbackDays":"two weeks"}}}', 'Context "imdsv2-guard:remediationOverrides": imdsv2-instance: parameter LookbackDays="two weeks" is not an integer'],
    ['{"imdsv2-instance":{"parameters":{"LookBackDays":14}}}', 'Context "imdsv2-guard:remediationOverrides": imdsv2-instance: the document has no parameter LookBackDays (it has '],
    ['{"imdsv2-instance":{"parameters":{"LookbackDays":[14]}}}', 'Context "imdsv2-guard:remediationOverrides": imdsv2-instance: parameter LookbackDays: expected a string, number or boolean'],
  ])('Noncompliance: remediation document parameters are checked against the document: %s', (value, message) => {
    const error = thrown(() => remediationFromContext(nodeWith({ 'imdsv2-guard:remediation': 'manual', 'imdsv2-guard:remediationOverrides': value })));
    expect(error).toBeInstanceOf(ContextError);
    expect((error as Error).message.startsWith(message)).toBe(true);
    expect((error as Error).message).not.toMatch(/\n/);
  });

  test('Compliance: nodejs22.x stays selectable', () => {
    expect(configFromContext(nodeWith({ 'imdsv2-guard:runtime': 'nodejs22.x' })).props.runtime?.name).toBe('nodejs22.x');
  });
});
