import { compareFindings, exitCodeFor, rank, splitAnnotation, summarise } from '../../cli/scan/report';
import { finding } from './fixtures';


describe('ranking', () => {
  test('What needs work first, then instance profile, then owner (untagged last), then type, region, id', () => {
    const ranked = rank([
      finding({ id: 'i-ok', verdict: 'COMPLIANT', instanceProfile: true, owner: 'a' }),
      finding({ id: 'i-untagged', instanceProfile: false }),
      finding({ id: 'i-b-no-profile', owner: 'b', instanceProfile: false }),
      finding({ id: 'i-z-profile', owner: 'z', instanceProfile: true }),
      finding({ id: 'lt-a', owner: 'a', kind: 'launch-template', instanceProfile: true }),
      finding({ id: 'i-a-profile', owner: 'a', instanceProfile: true }),
      finding({ id: 'acct', kind: 'account-default', verdict: 'UNKNOWN' }),
    ]);
    expect(ranked.map((f) => f.id)).toEqual(['i-a-profile', 'lt-a', 'i-z-profile', 'i-b-no-profile', 'i-untagged', 'acct', 'i-ok']);
  });

  test('The order is total: equal findings compare 0 only when identical', () => {
    expect(compareFindings(finding({ id: 'a' }), finding({ id: 'a' }))).toBe(0);
    expect(compareFindings(finding({ id: 'a' }), finding({ id: 'b' }))).toBeLessThan(0);
  });
});

describe('summary and exit code', () => {
  test('Every region appears with every type, even empty', () => {
    const cells = summarise([finding({ id: 'i-1' }), finding({ id: 'i-2', verdict: 'NOT_APPLICABLE' })], ['us-east-1', 'eu-west-1']);
    expect(cells).toHaveLength(10);
    expect(cells.find((c) => c.region === 'us-east-1' && c.kind === 'instance')).toMatchObject({ nonCompliant: 1, notApplicable: 1, total: 2 });
    expect(cells.find((c) => c.region === 'eu-west-1' && c.kind === 'instance')).toMatchObject({ total: 0 });
  });

  test('0 when nothing needs work; 1 for non-compliant or unverifiable', () => {
    expect(exitCodeFor([finding({ id: 'a', verdict: 'COMPLIANT' }), finding({ id: 'b', verdict: 'NOT_APPLICABLE' })])).toBe(0);
    expect(exitCodeFor([finding({ id: 'a', verdict: 'NON_COMPLIANT' })])).toBe(1);
    expect(exitCodeFor([finding({ id: 'a', verdict: 'UNKNOWN' })])).toBe(1);
    expect(exitCodeFor([])).toBe(0);
  });

  test('splitAnnotation separates the fix', () => {
    expect(splitAnnotation('Bad. Fix: do it')).toEqual({ reason: 'Bad.', fix: 'Fix: do it' });
    expect(splitAnnotation('Fine.')).toEqual({ reason: 'Fine.' });
  });
});
