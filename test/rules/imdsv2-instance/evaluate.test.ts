import type { ComplianceType } from '../../../lambda/kit/verdict';
import type { InstanceParameters } from '../../../lambda/rules/imdsv2-instance/definition';
import { evaluate } from '../../../lambda/rules/imdsv2-instance/evaluate';
import type { InstanceSubject } from '../../../lambda/rules/imdsv2-instance/subject';

const NOW = new Date('2026-06-15T12:00:00Z');
const ID = 'i-0123456789abcdef0';
const KEY = 'imdsv2-exempt';
const FIX = `Fix: aws ec2 modify-instance-metadata-options --instance-id ${ID} --http-tokens required`;

const instance = (over: Partial<InstanceSubject> = {}): InstanceSubject => ({
  instanceId: ID,
  stateName: 'running',
  metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', hopLimit: 1, state: 'applied' },
  tags: {},
  ...over,
});
const optional = { httpTokens: 'optional', httpEndpoint: 'enabled', hopLimit: 1, state: 'applied' };

interface Case {
  readonly subject: InstanceSubject;
  readonly params?: InstanceParameters;
  readonly type: ComplianceType;
  readonly says: ReadonlyArray<string | RegExp>;
  readonly never?: readonly string[];
}

const CASES: Array<[string, Case]> = [
  ['Compliance: tokens required', { subject: instance(), type: 'COMPLIANT', says: ['HttpTokens=required'], never: ['Fix:'] }],
  ['Compliance: endpoint disabled with tokens optional', { subject: instance({ metadataOptions: { ...optional, httpEndpoint: 'disabled' } }), type: 'COMPLIANT', says: ['endpoint disabled'] }],
  ['Compliance: hop limit within the max', { subject: instance({ metadataOptions: { httpTokens: 'required', hopLimit: 2 } }), params: { maxHopLimit: 2 }, type: 'COMPLIANT', says: ['hop limit 2'] }],
  ['Compliance: stopped instance is evaluated like a running one', { subject: instance({ stateName: 'stopped' }), type: 'COMPLIANT', says: ['HttpTokens=required'] }],
  ['Compliance: pending change is noted', { subject: instance({ metadataOptions: { httpTokens: 'required', state: 'pending' } }), type: 'COMPLIANT', says: ['change pending'] }],
  ['Compliance: expired exemption does not matter when compliant', { subject: instance({ tags: { [KEY]: '2026-01-01' } }), params: { exemptionTagKey: KEY }, type: 'COMPLIANT', says: ['expired 2026-01-01'] }],
  ['Compliance: exemption tag ignored when no key is configured', { subject: instance({ tags: { [KEY]: '2099-01-01' } }), type: 'COMPLIANT', says: ['HttpTokens=required'], never: ['Exempt'] }],
  ['Noncompliance 1: tokens optional', { subject: instance({ metadataOptions: optional }), type: 'NON_COMPLIANT', says: ['HttpTokens=optional', FIX, '--http-endpoint enabled'], never: ['hop-limit'] }],
  ['Noncompliance 2: required but hop limit over the max', { subject: instance({ metadataOptions: { httpTokens: 'required', hopLimit: 3 } }), params: { maxHopLimit: 1 }, type: 'NON_COMPLIANT', says: ['hop limit 3 > max 1', `${FIX} --http-endpoint enabled --http-put-response-hop-limit 1`] }],
  ['Noncompliance 3: no metadata options recorded', { subject: instance({ metadataOptions: undefined }), type: 'NON_COMPLIANT', says: ['No metadata options recorded', FIX] }],
  ['Noncompliance 4: tokens not set', { subject: instance({ metadataOptions: { httpEndpoint: 'enabled' } }), type: 'NON_COMPLIANT', says: ['HttpTokens not set', FIX] }],
  ['Noncompliance 5: stopped instance with tokens optional', { subject: instance({ stateName: 'stopped', metadataOptions: optional }), type: 'NON_COMPLIANT', says: ['HttpTokens=optional', FIX] }],
  ['Noncompliance 6: pending change still optional', { subject: instance({ metadataOptions: { ...optional, state: 'pending' } }), type: 'NON_COMPLIANT', says: ['change pending', FIX] }],
  ['Noncompliance 7: expired exemption', { subject: instance({ metadataOptions: optional, tags: { [KEY]: '2026-06-14 migration' } }), params: { exemptionTagKey: KEY }, type: 'NON_COMPLIANT', says: ['expired 2026-06-14', 'HttpTokens=optional', FIX] }],
  ['Noncompliance 8: unreadable exemption', { subject: instance({ metadataOptions: optional, tags: { [KEY]: 'next year' } }), params: { exemptionTagKey: KEY }, type: 'NON_COMPLIANT', says: ['"next year" unreadable', 'HttpTokens=optional', FIX] }],
  ['Noncompliance 9b: exemption dated beyond maxExemptionDays is ignored', { subject: instance({ metadataOptions: optional, tags: { [KEY]: '2126-01-01 forever' } }), params: { exemptionTagKey: KEY, maxExemptionDays: 365 }, type: 'NON_COMPLIANT', says: ['more than 365 days ahead', 'HttpTokens=optional', FIX], never: ['Exempt until'] }],
  ['Noncompliance 9: impossible exemption date', { subject: instance({ metadataOptions: optional, tags: { [KEY]: '2026-02-30' } }), params: { exemptionTagKey: KEY }, type: 'NON_COMPLIANT', says: ['unreadable', FIX] }],
  ['Noncompliance 10: unrecognised tokens value', { subject: instance({ metadataOptions: { httpTokens: 'weird' } }), type: 'NON_COMPLIANT', says: ['unrecognised value', FIX] }],
  ['Noncompliance 11: negative hop limit with a max set', { subject: instance({ metadataOptions: { httpTokens: 'required', hopLimit: -3 } }), params: { maxHopLimit: 2 }, type: 'NON_COMPLIANT', says: ['outside 1-64', '--http-put-response-hop-limit 2'] }],
  ['Noncompliance 12: tag key match is case-sensitive', { subject: instance({ metadataOptions: optional, tags: { 'IMDSV2-EXEMPT': '2099-01-01' } }), params: { exemptionTagKey: KEY }, type: 'NON_COMPLIANT', says: [FIX], never: ['Exempt'] }],
  ['Not applicable: terminated', { subject: instance({ stateName: 'terminated', metadataOptions: optional }), type: 'NOT_APPLICABLE', says: [ID, 'terminated'] }],
  ['Not applicable: shutting-down', { subject: instance({ stateName: 'shutting-down', metadataOptions: optional }), type: 'NOT_APPLICABLE', says: ['shutting-down'] }],
  ['Not applicable: active exemption with reason', { subject: instance({ metadataOptions: optional, tags: { [KEY]: '2026-12-31 legacy agent, SEC-42' } }), params: { exemptionTagKey: KEY }, type: 'NOT_APPLICABLE', says: ['Exempt until 2026-12-31', KEY, 'legacy agent, SEC-42'] }],
  ['Not applicable: exemption through today', { subject: instance({ metadataOptions: optional, tags: { [KEY]: '2026-06-15' } }), params: { exemptionTagKey: KEY }, type: 'NOT_APPLICABLE', says: ['Exempt until 2026-06-15'] }],
];

describe('imdsv2-instance evaluate', () => {
  test.each(CASES)('%s', (_name, c) => {
    const verdict = evaluate(c.subject, c.params ?? {}, NOW);
    expect(verdict.complianceType).toBe(c.type);
    for (const text of c.says) expect(verdict.annotation).toMatch(text);
    for (const text of c.never ?? []) expect(verdict.annotation).not.toContain(text);
    expect(verdict.annotation.length).toBeLessThanOrEqual(256);
  });

  test('the fix names the instance\'s region', () => {
    const verdict = evaluate({ instanceId: 'i-0abc', tags: {}, region: 'eu-central-1', metadataOptions: { httpTokens: 'optional', httpEndpoint: 'enabled', hopLimit: 2 } }, { maxHopLimit: 1 }, new Date('2026-06-15T12:00:00Z'));
    expect(verdict.annotation).toMatch(/Fix: aws ec2 modify-instance-metadata-options --instance-id i-0abc --http-tokens required --http-endpoint enabled --http-put-response-hop-limit 1 --region eu-central-1$/);
  });

  test('every non-compliant annotation carries a fix', () => {
    for (const [, c] of CASES.filter(([, c]) => c.type === 'NON_COMPLIANT')) {
      expect(evaluate(c.subject, c.params ?? {}, NOW).annotation).toMatch(/Fix: aws ec2 modify-instance-metadata-options/);
    }
  });

  test('long ids, tag keys and reasons stay within 256 characters and keep the fix', () => {
    const longId = `i-${'f'.repeat(60)}`;
    const longKey = `k${'e'.repeat(127)}`;
    for (const tag of ['2020-01-01 '.concat('r'.repeat(240)), 'x'.repeat(256), '2099-01-01 '.concat('r'.repeat(240))]) {
      for (const metadataOptions of [optional, undefined, { httpTokens: 'required', hopLimit: 64 }, { httpTokens: 'required', hopLimit: 1 }]) {
        const verdict = evaluate(
          { instanceId: longId, stateName: 'running', metadataOptions, tags: { [longKey]: tag } },
          { maxHopLimit: 1, exemptionTagKey: longKey },
          NOW,
        );
        expect(verdict.annotation.length).toBeLessThanOrEqual(256);
        if (verdict.complianceType === 'NON_COMPLIANT') expect(verdict.annotation).toContain(`--instance-id ${longId}`);
      }
    }
  });

  test('odd input does not throw', () => {
    const odd = { instanceId: ID, stateName: 42, metadataOptions: { httpTokens: null, hopLimit: 'x', state: 7 }, tags: null } as unknown as InstanceSubject;
    expect(() => evaluate(odd, { exemptionTagKey: KEY, maxHopLimit: 1 }, NOW)).not.toThrow();
    expect(evaluate(odd, { exemptionTagKey: KEY, maxHopLimit: 1 }, NOW).complianceType).toBe('NON_COMPLIANT');
  });
});
