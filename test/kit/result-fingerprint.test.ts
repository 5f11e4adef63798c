import { resultFingerprint } from '../../lambda/kit/result-fingerprint';
import { truncateAnnotation } from '../../lambda/kit/verdict';

describe('resultFingerprint: a result as AWS Config holds it', () => {
  test('an annotation over 256 characters matches the cut one Config holds', () => {
    const long = `${'x'.repeat(250)} ${'y'.repeat(60)}`;
    expect(resultFingerprint('NON_COMPLIANT', long)).toBe(resultFingerprint('NON_COMPLIANT', truncateAnnotation(long)));
  });

  test('an empty annotation (sent as none) matches a result without one', () => {
    expect(resultFingerprint('COMPLIANT', '')).toBe(resultFingerprint('COMPLIANT', undefined));
  });

  test.each([
    ['COMPLIANT', 'NON_COMPLIANT'],
    ['COMPLIANT', 'NOT_APPLICABLE'],
    ['NON_COMPLIANT', 'NOT_APPLICABLE'],
  ])('the compliance type is exact: %s and %s never match, whatever the annotations', (a, b) => {
    // Exhaustive over many annotations: the type lives in its own bits, so no hash collision can hide a flip.
    const fa = new Set(Array.from({ length: 2000 }, (_, i) => resultFingerprint(a, `text ${i}`) & 3));
    const fb = new Set(Array.from({ length: 2000 }, (_, i) => resultFingerprint(b, `text ${i}`) & 3));
    expect([...fa]).toHaveLength(1);
    expect([...fb]).toHaveLength(1);
    expect(fa).not.toEqual(fb);
  });

  test('a type the rules never send (INSUFFICIENT_DATA, unknown) matches no verdict', () => {
    for (const t of ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE']) {
      expect(resultFingerprint('INSUFFICIENT_DATA', 'same')).not.toBe(resultFingerprint(t, 'same'));
      expect(resultFingerprint('SOMETHING_NEW', 'same')).not.toBe(resultFingerprint(t, 'same'));
    }
  });

  test('different annotations of one type differ', () => {
    expect(resultFingerprint('NON_COMPLIANT', 'HttpTokens optional.')).not.toBe(resultFingerprint('NON_COMPLIANT', 'HttpTokens optional, hop limit 3.'));
  });
});
