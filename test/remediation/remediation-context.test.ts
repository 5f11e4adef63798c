import { App } from 'aws-cdk-lib';
import { remediationFromContext, REMEDIATION_CONTEXT_KEYS as K } from '../../lib/remediation';

const from = (context: Record<string, unknown>) => remediationFromContext(new App({ context }).node);

describe('remediationFromContext', () => {
  test('Compliance: absent or none deploys no remediation (opt-in)', () => {
    expect(from({})).toBeUndefined();
    expect(from({ [K.mode]: 'none' })).toBeUndefined();
  });

  test('Compliance: reads the mode, attempts, retry window and per-rule overrides, from strings (command line) or JSON (cdk.json)', () => {
    expect(
      from({
        [K.mode]: 'automatic',
        [K.maximumAutomaticAttempts]: '5',
        [K.retryAttemptSeconds]: 900,
        [K.overrides]: '{"imdsv2-instance":{"mode":"manual","parameters":{"LookbackDays":30}},"imdsv2-auto-scaling-group":{"mode":"documents-only"}}',
      }),
    ).toEqual({
      mode: 'automatic',
      maximumAutomaticAttempts: 5,
      retryAttemptSeconds: 900,
      overrides: { 'imdsv2-instance': { mode: 'manual', parameters: { LookbackDays: 30 } }, 'imdsv2-auto-scaling-group': { mode: 'documents-only' } },
    });
  });

  test.each([
    [{ [K.mode]: 'always' }, /expected one of none, documents-only, manual, automatic/],
    [{ [K.mode]: 'manual', [K.maximumAutomaticAttempts]: 'many' }, /expected an integer/],
    [{ [K.mode]: 'manual', [K.overrides]: '{not json' }, /not valid JSON/],
    [{ [K.mode]: 'manual', [K.overrides]: { 'imdsv2-nope': {} } }, /unknown rule id imdsv2-nope/],
    [{ [K.mode]: 'manual', [K.overrides]: { 'imdsv2-instance': { mode: 'sometimes' } } }, /mode must be/],
    [{ [K.mode]: 'manual', [K.overrides]: { 'imdsv2-instance': { params: {} } } }, /unknown setting\(s\) params/],
  ])('Noncompliance: %j is refused with the key named', (context, message) => {
    expect(() => from(context)).toThrow(message);
  });
});
