import { describeActiveExemption, describeFailedExemption, exemptionGate, readExemption, type Exemption } from '../../../lambda/rules/common/exemption';

const KEY = 'imdsv2-exempt';
const NOW = new Date('2026-06-15T12:00:00Z');

type Case = [string, Record<string, string>, string | undefined, Exemption];
const PREFIX: Record<Exemption['kind'], string> = { none: 'No exemption', active: 'Active', expired: 'Expired', invalid: 'Invalid' };
// Case names lead with the outcome, as the evaluator tables do (`Compliance: …`).
const named = (cases: Case[]): Case[] => cases.map(([name, ...rest]) => [`${PREFIX[rest[2].kind]}: ${name}`, ...rest]);

describe('readExemption', () => {
  test.each<Case>(named([
    ['no tag key configured', { [KEY]: '2027-01-01' }, undefined, { kind: 'none' }],
    ['empty tag key configured', { [KEY]: '2027-01-01' }, '', { kind: 'none' }],
    ['tag absent', { Name: 'web' }, KEY, { kind: 'none' }],
    ['key match is case-sensitive', { 'IMDSv2-Exempt': '2027-01-01' }, KEY, { kind: 'none' }],
    ['future date only', { [KEY]: '2027-01-31' }, KEY, { kind: 'active', until: '2027-01-31' }],
    ['date with space and reason', { [KEY]: '2027-01-31 legacy agent, ticket SEC-42' }, KEY, { kind: 'active', until: '2027-01-31', reason: 'legacy agent, ticket SEC-42' }],
    ['date with ; separator', { [KEY]: '2027-01-31;SEC-42' }, KEY, { kind: 'active', until: '2027-01-31', reason: 'SEC-42' }],
    ['date with : separator', { [KEY]: '2027-01-31: vendor AMI' }, KEY, { kind: 'active', until: '2027-01-31', reason: 'vendor AMI' }],
    ['date with | separator', { [KEY]: '2027-01-31 | vendor AMI' }, KEY, { kind: 'active', until: '2027-01-31', reason: 'vendor AMI' }],
    ['date with , separator', { [KEY]: '2027-01-31,vendor AMI' }, KEY, { kind: 'active', until: '2027-01-31', reason: 'vendor AMI' }],
    ['date with " - " separator', { [KEY]: '2027-01-31 - vendor AMI' }, KEY, { kind: 'active', until: '2027-01-31', reason: 'vendor AMI' }],
    ['surrounding whitespace is ignored', { [KEY]: '  2027-01-31  ' }, KEY, { kind: 'active', until: '2027-01-31' }],
    ['separator with no reason', { [KEY]: '2027-01-31;' }, KEY, { kind: 'active', until: '2027-01-31' }],
    ['today is still active (valid through end of UTC day)', { [KEY]: '2026-06-15' }, KEY, { kind: 'active', until: '2026-06-15' }],
    ['yesterday is expired', { [KEY]: '2026-06-14 old ticket' }, KEY, { kind: 'expired', until: '2026-06-14', reason: 'old ticket' }],
    ['timestamp in the future', { [KEY]: '2026-06-15T13:00:00Z' }, KEY, { kind: 'active', until: '2026-06-15' }],
    ['timestamp in the past the same day', { [KEY]: '2026-06-15T11:59:59Z' }, KEY, { kind: 'expired', until: '2026-06-15' }],
    ['timestamp with offset converts to UTC', { [KEY]: '2026-06-15T13:30:00+02:00 eu' }, KEY, { kind: 'expired', until: '2026-06-15', reason: 'eu' }],
    ['timestamp with fraction and no zone reads as UTC', { [KEY]: '2026-06-15T12:00:00.500' }, KEY, { kind: 'active', until: '2026-06-15' }],
    ['timestamp whose UTC date is the next day', { [KEY]: '2026-06-15T23:30:00-02:00' }, KEY, { kind: 'active', until: '2026-06-16' }],
    ['impossible date', { [KEY]: '2026-02-30' }, KEY, { kind: 'invalid', value: '2026-02-30' }],
    ['not a leap year', { [KEY]: '2027-02-29' }, KEY, { kind: 'invalid', value: '2027-02-29' }],
    ['leap day is valid', { [KEY]: '2028-02-29' }, KEY, { kind: 'active', until: '2028-02-29' }],
    ['month 13', { [KEY]: '2026-13-01' }, KEY, { kind: 'invalid', value: '2026-13-01' }],
    ['hour 25', { [KEY]: '2026-12-01T25:00Z' }, KEY, { kind: 'invalid', value: '2026-12-01T25:00Z' }],
    ['reason glued to the date', { [KEY]: '2027-01-31reason' }, KEY, { kind: 'invalid', value: '2027-01-31reason' }],
    ['European date order', { [KEY]: '31/01/2027' }, KEY, { kind: 'invalid', value: '31/01/2027' }],
    ['free text', { [KEY]: 'forever' }, KEY, { kind: 'invalid', value: 'forever' }],
    ['empty value', { [KEY]: '' }, KEY, { kind: 'invalid', value: '' }],
  ]))('%s', (_name, tags, key, expected) => {
    expect(readExemption(tags, key, NOW)).toEqual(expected);
  });

  test('the end of a date-only exemption is the first millisecond of the next UTC day', () => {
    const tags = { [KEY]: '2026-06-15' };
    expect(readExemption(tags, KEY, new Date('2026-06-15T23:59:59.999Z')).kind).toBe('active');
    expect(readExemption(tags, KEY, new Date('2026-06-16T00:00:00.000Z')).kind).toBe('expired');
  });
});

describe('exemption texts', () => {
  test('active text names the date, tag and reason', () => {
    const text = describeActiveExemption({ until: '2027-01-31', reason: 'SEC-42' }, KEY);
    expect(text).toContain('2027-01-31');
    expect(text).toContain(KEY);
    expect(text).toContain('SEC-42');
  });

  test('long reasons and values are clipped', () => {
    const active = describeActiveExemption({ until: '2027-01-31', reason: 'r'.repeat(300) }, KEY);
    expect(active.length).toBeLessThan(140);
    const invalid = describeFailedExemption({ kind: 'invalid', value: 'v'.repeat(300) }, KEY);
    expect(invalid!.length).toBeLessThan(140);
  });

  test('failed exemptions say why; no tag says nothing', () => {
    expect(describeFailedExemption({ kind: 'expired', until: '2026-01-01' }, KEY)).toMatch(/expired 2026-01-01/);
    expect(describeFailedExemption({ kind: 'invalid', value: 'soon' }, KEY)).toMatch(/"soon" unreadable/);
    expect(describeFailedExemption({ kind: 'none' }, KEY)).toBeUndefined();
  });
});

describe('maxExemptionDays: a horizon for exemption tags', () => {
  const tags = (v: string) => ({ [KEY]: v });
  test.each<[string, string, number | undefined, Exemption['kind']]>([
    ['Active: within the horizon (30 days ahead, max 90)', '2026-07-15', 90, 'active'],
    ['Active: exactly at the horizon (the end of 2026-09-12 is 89.5 days ahead, max 90)', '2026-09-12', 90, 'active'],
    ['Invalid: one day past the horizon', '2026-09-14', 90, 'invalid'],
    ['Invalid: a century ahead', '2126-06-15 forever', 90, 'invalid'],
    ['Active: a century ahead with no horizon set (the default)', '2126-06-15', undefined, 'active'],
    ['Expired: a past date is expired whatever the horizon', '2026-01-01', 90, 'expired'],
  ])('%s', (_name, value, maxDays, kind) => {
    expect(readExemption(tags(value), KEY, NOW, maxDays).kind).toBe(kind);
  });

  test('Invalid: the annotation says the tag was ignored for being too far ahead, and the gate does not exempt', () => {
    const e = readExemption(tags('2126-06-15 forever'), KEY, NOW, 90);
    expect(e).toEqual({ kind: 'invalid', value: '2126-06-15 forever', beyondDays: 90 });
    expect(describeFailedExemption(e, KEY)).toBe('Exemption imdsv2-exempt="2126-06-15 forever" ignored: more than 90 days ahead (maxExemptionDays).');
    expect(exemptionGate(tags('2126-06-15'), KEY, NOW, 90)).toEqual({ note: expect.stringContaining('more than 90 days ahead') });
    expect(exemptionGate(tags('2026-07-01'), KEY, NOW, 90).exempt).toMatchObject({ complianceType: 'NOT_APPLICABLE' });
  });
});
