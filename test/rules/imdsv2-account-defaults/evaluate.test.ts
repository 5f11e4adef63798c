import type { ComplianceType } from '../../../lambda/kit/verdict';
import type { AccountDefaultsParameters } from '../../../lambda/rules/imdsv2-account-defaults/definition';
import { evaluate } from '../../../lambda/rules/imdsv2-account-defaults/evaluate';
import type { AccountDefaultsSubject } from '../../../lambda/rules/imdsv2-account-defaults/subject';

const NOW = new Date('2026-06-15T12:00:00Z');
const REGION = 'eu-central-2';
const FIX = 'Fix: aws ec2 modify-instance-metadata-defaults --http-tokens required';

const defaults = (over: Partial<AccountDefaultsSubject> = {}): AccountDefaultsSubject => ({ accountId: '111122223333', region: REGION, ...over });
const PARAMS: AccountDefaultsParameters = { requireEnforcement: false };
const ENFORCE: AccountDefaultsParameters = { requireEnforcement: true };

interface Case {
  readonly subject: AccountDefaultsSubject;
  readonly params?: AccountDefaultsParameters;
  readonly type: ComplianceType;
  readonly says: ReadonlyArray<string | RegExp>;
  readonly never?: readonly string[];
}

const CASES: Array<[string, Case]> = [
  ['Compliance: tokens required, enforcement not set and not asked for', { subject: defaults({ httpTokens: 'required' }), type: 'COMPLIANT', says: [REGION, 'HttpTokens=required', 'HttpTokensEnforced=not set'], never: ['Fix:'] }],
  ['Compliance: tokens required and enforced, enforcement asked for', { subject: defaults({ httpTokens: 'required', httpTokensEnforced: 'enabled' }), params: ENFORCE, type: 'COMPLIANT', says: ['HttpTokensEnforced=enabled'] }],
  ['Compliance: tokens required with hop limit within the max', { subject: defaults({ httpTokens: 'required', hopLimit: 2, httpTokensEnforced: 'disabled' }), params: { ...PARAMS, maxHopLimit: 2 }, type: 'COMPLIANT', says: ['hop limit 2', 'HttpTokensEnforced=disabled'] }],
  ['Compliance: tokens required with endpoint disabled is reported', { subject: defaults({ httpTokens: 'required', httpEndpoint: 'disabled' }), type: 'COMPLIANT', says: ['HttpEndpoint=disabled'] }],
  ['Compliance: hop limit -1 (no preference) is not flagged', { subject: defaults({ httpTokens: 'required', hopLimit: -1 }), params: { ...PARAMS, maxHopLimit: 1 }, type: 'COMPLIANT', says: ['HttpTokens=required'] }],
  ['Compliance: declarative policy requiring IMDSv2', { subject: defaults({ httpTokens: 'required', httpTokensEnforced: 'enabled', managedBy: 'declarative-policy', managedExceptionMessage: 'Ask platform-security' }), params: ENFORCE, type: 'COMPLIANT', says: ['declarative policy', 'Ask platform-security'] }],
  ['Noncompliance 1: no preference', { subject: defaults(), type: 'NON_COMPLIANT', says: ['HttpTokens=no preference', 'HttpTokensEnforced=not set', `${FIX} --region ${REGION}`], never: ['--http-tokens-enforced'] }],
  ['Noncompliance 2: tokens optional', { subject: defaults({ httpTokens: 'optional', httpTokensEnforced: 'disabled' }), type: 'NON_COMPLIANT', says: ['HttpTokens=optional', 'HttpTokensEnforced=disabled', `${FIX} --region ${REGION}`] }],
  ['Noncompliance 3: endpoint disabled does not make the default compliant', { subject: defaults({ httpTokens: 'optional', httpEndpoint: 'disabled' }), type: 'NON_COMPLIANT', says: ['HttpTokens=optional', 'HttpEndpoint=disabled', FIX] }],
  ['Noncompliance 4: required but hop limit over the max', { subject: defaults({ httpTokens: 'required', hopLimit: 3 }), params: { ...PARAMS, maxHopLimit: 1 }, type: 'NON_COMPLIANT', says: ['hop limit 3 > max 1', `${FIX} --http-put-response-hop-limit 1 --region ${REGION}`] }],
  ['Noncompliance 5: required but enforcement required and missing', { subject: defaults({ httpTokens: 'required' }), params: ENFORCE, type: 'NON_COMPLIANT', says: ['HttpTokensEnforced=not set (must be enabled)', `${FIX} --http-tokens-enforced enabled --region ${REGION}`] }],
  ['Noncompliance 6: required but enforcement disabled and required', { subject: defaults({ httpTokens: 'required', httpTokensEnforced: 'disabled' }), params: ENFORCE, type: 'NON_COMPLIANT', says: ['HttpTokensEnforced=disabled (must be enabled)', '--http-tokens-enforced enabled'] }],
  ['Noncompliance 7: no preference with enforcement required', { subject: defaults(), params: ENFORCE, type: 'NON_COMPLIANT', says: ['HttpTokens=no preference', `${FIX} --http-tokens-enforced enabled --region ${REGION}`] }],
  ['Noncompliance 8: managed by a declarative policy', { subject: defaults({ httpTokens: 'optional', managedBy: 'declarative-policy', managedExceptionMessage: 'Contact cloud-governance@example.com' }), type: 'NON_COMPLIANT', says: ['declarative policy', 'Contact cloud-governance@example.com', 'Fix: change the declarative policy', 'not the account'], never: ['modify-instance-metadata-defaults'] }],
  ['Noncompliance 9: declarative policy without a message, enforcement required', { subject: defaults({ managedBy: 'declarative-policy' }), params: ENFORCE, type: 'NON_COMPLIANT', says: ['declarative policy', 'http-tokens required', 'http-tokens-enforced enabled'] }],
  ['Noncompliance 10: unrecognised tokens value', { subject: defaults({ httpTokens: 'strict' }), type: 'NON_COMPLIANT', says: ['unrecognised value', FIX] }],
];

describe('imdsv2-account-defaults evaluate', () => {
  test.each(CASES)('%s', (_name, c) => {
    const verdict = evaluate(c.subject, c.params ?? PARAMS, NOW);
    expect(verdict.complianceType).toBe(c.type);
    for (const text of c.says) expect(verdict.annotation).toMatch(text);
    for (const text of c.never ?? []) expect(verdict.annotation).not.toContain(text);
    expect(verdict.annotation.length).toBeLessThanOrEqual(256);
  });

  test('every annotation reports HttpTokensEnforced', () => {
    for (const [, c] of CASES) expect(evaluate(c.subject, c.params ?? PARAMS, NOW).annotation).toContain('HttpTokensEnforced=');
  });

  test('a long policy message stays within 256 characters and keeps the fix', () => {
    const subject = defaults({ httpTokens: 'optional', hopLimit: 9, managedBy: 'declarative-policy', managedExceptionMessage: 'm'.repeat(500) });
    const verdict = evaluate(subject, { requireEnforcement: true, maxHopLimit: 1 }, NOW);
    expect(verdict.annotation.length).toBeLessThanOrEqual(256);
    expect(verdict.annotation).toContain('Fix: change the declarative policy');
  });
});
