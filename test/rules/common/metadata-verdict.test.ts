import type { MetadataOptions } from '../../../lambda/rules/common/metadata-options';
import {
  describeJudgement,
  fitAnnotation,
  judgeMetadataOptions,
  type InheritedDefaults,
} from '../../../lambda/rules/common/metadata-verdict';

const INHERIT = (imageImdsSupport?: string, accountDefaultHttpTokens?: string): InheritedDefaults => ({
  acceptInheritedDefaults: true,
  imageImdsSupport,
  accountDefaultHttpTokens,
});

interface Case {
  readonly options: MetadataOptions | undefined;
  readonly maxHopLimit?: number;
  readonly inherited?: InheritedDefaults;
  readonly compliant: boolean;
  readonly tokensProblem?: boolean;
  readonly hopLimitProblem?: boolean;
  /** Substrings the description must contain. */
  readonly says: readonly string[];
}

describe('judgeMetadataOptions', () => {
  test.each<[string, Case]>([
    ['Compliance: tokens required', { options: { httpTokens: 'required' }, compliant: true, says: ['HttpTokens=required'] }],
    ['Compliance: endpoint disabled with tokens optional', { options: { httpTokens: 'optional', httpEndpoint: 'disabled' }, compliant: true, says: ['endpoint disabled'] }],
    ['Compliance: endpoint disabled ignores a hop limit over the max', { options: { httpEndpoint: 'disabled', hopLimit: 9 }, maxHopLimit: 1, compliant: true, says: ['endpoint disabled'] }],
    ['Compliance: endpoint value is read case-insensitively', { options: { httpTokens: 'optional', httpEndpoint: 'DISABLED' }, compliant: true, says: ['endpoint disabled'] }],
    ['Compliance: required with hop limit at the max', { options: { httpTokens: 'required', hopLimit: 2 }, maxHopLimit: 2, compliant: true, says: ['HttpTokens=required', 'hop limit 2'] }],
    ['Compliance: hop limit unchecked when no max is set', { options: { httpTokens: 'required', hopLimit: 64 }, compliant: true, says: ['HttpTokens=required'] }],
    ['Compliance: an unset hop limit is not flagged', { options: { httpTokens: 'required' }, maxHopLimit: 1, compliant: true, says: ['HttpTokens=required'] }],
    ['Compliance: unset tokens inherit AMI ImdsSupport v2.0', { options: {}, inherited: INHERIT('v2.0'), compliant: true, says: ['HttpTokens not set', 'AMI ImdsSupport=v2.0'] }],
    ['Compliance: no options inherit account default required', { options: undefined, inherited: INHERIT(undefined, 'required'), compliant: true, says: ['no MetadataOptions', 'account default HttpTokens=required'] }],
    ['Compliance: account default required wins over an AMI without v2.0', { options: undefined, inherited: INHERIT('v1.0', 'required'), compliant: true, says: ['account default'] }],
    ['Noncompliance 1: tokens optional', { options: { httpTokens: 'optional', httpEndpoint: 'enabled' }, compliant: false, tokensProblem: true, says: ['HttpTokens=optional'] }],
    ['Noncompliance 2: required but hop limit over the max', { options: { httpTokens: 'required', hopLimit: 3 }, maxHopLimit: 1, compliant: false, tokensProblem: false, hopLimitProblem: true, says: ['hop limit 3 > max 1'] }],
    ['Noncompliance 3: no options at all', { options: undefined, compliant: false, tokensProblem: true, says: ['no MetadataOptions'] }],
    ['Noncompliance 4: options without tokens', { options: { httpEndpoint: 'enabled', hopLimit: 1 }, compliant: false, tokensProblem: true, says: ['HttpTokens not set'] }],
    ['Noncompliance 5: inheritance off, AMI v2.0 ignored', { options: undefined, inherited: { acceptInheritedDefaults: false, imageImdsSupport: 'v2.0', accountDefaultHttpTokens: 'required' }, compliant: false, says: ['no MetadataOptions'] }],
    ['Noncompliance 6: explicit optional is not rescued by inheritance', { options: { httpTokens: 'optional' }, inherited: INHERIT('v2.0', 'required'), compliant: false, tokensProblem: true, says: ['HttpTokens=optional'] }],
    ['Noncompliance 7: account default optional overrides AMI v2.0', { options: undefined, inherited: INHERIT('v2.0', 'optional'), compliant: false, says: ['account default HttpTokens=optional', 'overrides AMI v2.0'] }],
    ['Noncompliance 8: inheritance on but nothing to inherit', { options: undefined, inherited: INHERIT(), compliant: false, says: ['no AMI v2.0 or account default'] }],
    [
      'Noncompliance 9: the verdict hangs on an AMI that cannot be described: says so',
      { options: undefined, inherited: { ...INHERIT(), imageProblem: 'ami-0123456789abcdef0 not found' }, compliant: false, tokensProblem: true, says: ["no MetadataOptions; cannot verify the AMI's ImdsSupport: ami-0123456789abcdef0 not found"] },
    ],
    [
      'Compliance: an unreadable AMI does not matter when the account default requires IMDSv2',
      { options: undefined, inherited: { ...INHERIT(undefined, 'required'), imageProblem: 'malformed AMI id ami-x' }, compliant: true, says: ['inherits account default HttpTokens=required'] },
    ],
    ['Noncompliance 9: unrecognised tokens value', { options: { httpTokens: 'weird' }, compliant: false, tokensProblem: true, says: ['HttpTokens=weird', 'unrecognised value'] }],
    ['Noncompliance 10: negative hop limit with a max set', { options: { httpTokens: 'required', hopLimit: -1 }, maxHopLimit: 2, compliant: false, hopLimitProblem: true, says: ['hop limit -1 outside 1-64'] }],
    ['Noncompliance 11: hop limit above 64 with a max set', { options: { httpTokens: 'required', hopLimit: 65 }, maxHopLimit: 64, compliant: false, hopLimitProblem: true, says: ['outside 1-64'] }],
    ['Noncompliance 12: both tokens and hop limit wrong', { options: { httpTokens: 'optional', hopLimit: 5 }, maxHopLimit: 1, compliant: false, tokensProblem: true, hopLimitProblem: true, says: ['HttpTokens=optional', 'hop limit 5 > max 1'] }],
  ])('%s', (_name, c) => {
    const j = judgeMetadataOptions(c.options, c.maxHopLimit, c.inherited);
    expect(j.compliant).toBe(c.compliant);
    if (c.tokensProblem !== undefined) expect(j.tokensProblem).toBe(c.tokensProblem);
    if (c.hopLimitProblem !== undefined) expect(j.hopLimitProblem).toBe(c.hopLimitProblem);
    expect(j.problems.length === 0).toBe(c.compliant);
    for (const text of c.says) expect(describeJudgement(j)).toContain(text);
  });

  test('odd input never throws', () => {
    const odd = [
      { httpTokens: 42, hopLimit: 'two' },
      { httpTokens: null, httpEndpoint: 7 },
      { hopLimit: Number.NaN },
    ] as unknown as MetadataOptions[];
    for (const options of odd) {
      expect(() => judgeMetadataOptions(options, 1, INHERIT('v2.0'))).not.toThrow();
      expect(judgeMetadataOptions(options, 1).compliant).toBe(false);
    }
  });

  test('a non-compliant description lists only what is wrong', () => {
    const j = judgeMetadataOptions({ httpTokens: 'required', hopLimit: 4 }, 2);
    expect(describeJudgement(j)).toBe('hop limit 4 > max 2');
  });
});

describe('fitAnnotation', () => {
  test('keeps the fix whole and shortens the description', () => {
    const fix = `Fix: ${'x'.repeat(150)}`;
    const out = fitAnnotation('d'.repeat(200), fix);
    expect(out.length).toBe(256);
    expect(out.endsWith(fix)).toBe(true);
    expect(out).toContain('…');
  });

  test('uses the first fix that fits beside the whole description', () => {
    const out = fitAnnotation('short problem.', [`Fix: ${'a'.repeat(300)}`, 'Fix: compact']);
    expect(out).toBe('short problem. Fix: compact');
    expect(fitAnnotation('short problem.', ['Fix: exact', 'Fix: compact'])).toBe('short problem. Fix: exact');
  });

  test('skips blank sentences and cuts anything too long to the limit', () => {
    expect(fitAnnotation(['a.', undefined, '', 'b.'])).toBe('a. b.');
    expect(fitAnnotation('z'.repeat(400)).length).toBe(256);
    expect(fitAnnotation('head', 'f'.repeat(300)).length).toBe(256);
  });
});
