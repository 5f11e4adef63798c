import { integerFrom } from '../../lambda/kit/integer';
import { integerParam } from '../../lambda/kit/parameters';
import { integer as payloadInteger, maxHopLimitFromEnv } from '../../lambda/remediation/common/payload';
import { normaliseMetadataOptions } from '../../lambda/rules/common/metadata-options';
import { integer as contextInteger } from '../../lib/context-values';
import { integer as flagInteger } from '../../cli/common/args';
import { convert } from '../../cli/local/automation';

describe('integerFrom, strings', () => {
  test.each([
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['007', 7],
    [' 12 ', 12],
    ['\t3\n', 3],
  ])('Compliance: %j reads as %j', (text, expected) => {
    expect(integerFrom(text)).toBe(expected);
  });

  test.each(['', ' ', '1e3', '0x10', '2.5', '+2', '1_000', 'NaN', 'Infinity', '-', '٣', '1 2'])('Noncompliance: %p is not an integer', (text) => {
    expect(integerFrom(text)).toBeUndefined();
  });

  test('Compliance: unsigned refuses a minus sign; trim false refuses surrounding white space', () => {
    expect(integerFrom('-1', { signed: false })).toBeUndefined();
    expect(integerFrom('1', { signed: false })).toBe(1);
    expect(integerFrom(' 2', { trim: false })).toBeUndefined();
    expect(integerFrom('2 ', { trim: false })).toBeUndefined();
    expect(integerFrom('2', { trim: false })).toBe(2);
  });

  test('Compliance: a huge string comes back as the nearest double, for the caller to bound', () => {
    expect(integerFrom('99999999999999999999')).toBe(1e20);
  });
});

describe('integerFrom, other values', () => {
  test.each([
    [5, 5],
    [-3, -3],
    [0, 0],
    [1e3, 1000],
    ['5', 5],
    [' -5 ', -5],
  ])('Compliance: %j reads as %j', (value, expected) => {
    expect(integerFrom(value)).toBe(expected);
  });

  test.each([2.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '', '1e3', '0x10', '2.5', null, undefined, true, [2], { n: 2 }])(
    'Noncompliance: %p is not an integer',
    (value) => {
      expect(integerFrom(value)).toBeUndefined();
    },
  );

  test('Compliance: signed false applies to strings only (a negative number is still an integer)', () => {
    expect(integerFrom('-2', { signed: false })).toBeUndefined();
    expect(integerFrom(-2, { signed: false })).toBe(-2);
  });
});

// Each caller keeps its own acceptance rules and error text on top of the shared reader.
describe('callers', () => {
  const hop = integerParam({ description: 'hop', min: 1, max: 64 });

  test('rule parameters: trimmed, signed, numbers by their text; own messages', () => {
    expect(hop.parse(' 3 ')).toBe(3);
    expect(hop.parse(3)).toBe(3);
    expect(() => hop.parse('2.5')).toThrow(expect.objectContaining({ message: 'expected an integer, got "2.5"' }));
    expect(() => hop.parse(1e21)).toThrow(expect.objectContaining({ message: 'expected an integer, got "1e+21"' }));
    expect(() => hop.parse(true)).toThrow(expect.objectContaining({ message: 'expected an integer, got boolean' }));
    expect(() => hop.parse('-1')).toThrow(expect.objectContaining({ message: 'must be between 1 and 64, got -1' }));
  });

  test('remediation payload: number or string, blank is the fallback; the env cap takes bare digits only', () => {
    expect(payloadInteger({ D: ' 14 ' }, 'D', 1, 90, 7)).toBe(14);
    expect(payloadInteger({ D: '' }, 'D', 1, 90, 7)).toBe(7);
    expect(() => payloadInteger({ D: '1e1' }, 'D', 1, 90, 7)).toThrow('D must be an integer from 1 to 90; got "1e1"');
    expect(() => payloadInteger({ D: 2.5 }, 'D', 1, 90, 7)).toThrow('D must be an integer from 1 to 90; got 2.5');
    expect(maxHopLimitFromEnv({ IMDSV2_GUARD_MAX_HOP_LIMIT: '2' })).toBe(2);
    expect(() => maxHopLimitFromEnv({ IMDSV2_GUARD_MAX_HOP_LIMIT: ' 2' })).toThrow(/got " 2"/);
  });

  test('metadata options: a hop-limit string with white space or a fraction is not read; numbers pass to the evaluator as they are', () => {
    expect(normaliseMetadataOptions({ HttpPutResponseHopLimit: '2' })?.hopLimit).toBe(2);
    expect(normaliseMetadataOptions({ HttpPutResponseHopLimit: ' 2' })?.hopLimit).toBeUndefined();
    expect(normaliseMetadataOptions({ HttpPutResponseHopLimit: '2.5' })?.hopLimit).toBeUndefined();
    expect(normaliseMetadataOptions({ httpPutResponseHopLimit: 2.5 })?.hopLimit).toBe(2.5);
  });

  test('CDK context: unsigned strings unless signed; numbers must be whole', () => {
    expect(contextInteger('k', ' 5 ')).toBe(5);
    expect(() => contextInteger('k', '-5')).toThrow('Context "k": expected an integer, got "-5"');
    expect(contextInteger('k', '-5', { signed: true })).toBe(-5);
    expect(() => contextInteger('k', 1.5, { min: 1, max: 9 })).toThrow('Context "k": expected an integer from 1 to 9, got 1.5');
  });

  test('CLI flags: unsigned, trimmed, the raw text in the message', () => {
    expect(flagInteger('days', ' 30 ', 14, 1, 90)).toBe(30);
    expect(() => flagInteger('days', '-1', 14, 1, 90)).toThrow('--days: expected an integer from 1 to 90, got "-1"');
    expect(() => flagInteger('days', '0x10', 14, 1, 90)).toThrow(/got "0x10"/);
  });

  test('local Automation runner: Integer parameters from numbers or digit strings', () => {
    expect(convert(' 12 ', 'Integer', 'v')).toBe(12);
    expect(() => convert('1e3', 'Integer', 'v')).toThrow(/cannot be converted to Integer/);
  });
});
