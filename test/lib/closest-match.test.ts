import { closestMatch } from '../../lib/closest-match';

const KEYS = ['remediation', 'remediationOverrides', 'remediationMaxAttempts', 'rules', 'runtime', 'guardrails:mode', 'management:regions', 'management:region'];

describe('closestMatch', () => {
  test.each([
    ['remediaton', 'remediation'], // a letter left out
    ['remeditaion', 'remediation'], // two letters swapped
    ['Remediation', 'remediation'], // case
    ['remediationOverride', 'remediationOverrides'],
    ['remediationMaxAttempt', 'remediationMaxAttempts'],
    ['rule', 'rules'],
    ['runtim', 'runtime'],
    ['guardrail:mode', 'guardrails:mode'],
    ['guardrails-mode', 'guardrails:mode'],
    ['management:regoin', 'management:region'],
    ['management:regionss', 'management:regions'],
    ['remediation:mode', 'remediation'], // a shape that does not exist, but the key it meant does
  ])('Compliance: %s → %s', (typed, expected) => {
    expect(closestMatch(typed, KEYS)).toBe(expected);
  });

  test.each([['foo'], ['x'], ['stackSetNames:everything'], ['']])('Noncompliance: %j is like nothing: no suggestion', (typed) => {
    expect(closestMatch(typed, KEYS)).toBeUndefined();
  });

  test('Noncompliance: no candidates, no suggestion', () => {
    expect(closestMatch('rules', [])).toBeUndefined();
  });
});
