import { InvalidParameterError } from '../../lambda/kit/errors';
import {
  booleanParam,
  integerParam,
  listParam,
  parseParameters,
  stringParam,
  type ParameterSchema,
} from '../../lambda/kit/parameters';
import type { RuleDefinition } from '../../lambda/kit/rule-definition';
import { accountDefaultsRule } from '../../lambda/rules/imdsv2-account-defaults/definition';
import { autoScalingGroupRule } from '../../lambda/rules/imdsv2-auto-scaling-group/definition';
import { instanceRule } from '../../lambda/rules/imdsv2-instance/definition';
import { launchConfigurationRule } from '../../lambda/rules/imdsv2-launch-configuration/definition';
import { launchTemplateRule } from '../../lambda/rules/imdsv2-launch-template/definition';

interface TestParameters {
  readonly hops?: number;
  readonly limit: number;
  readonly strict: boolean;
  readonly tagKey?: string;
  readonly roles: readonly ('default' | 'latest')[];
}

const schema: ParameterSchema<TestParameters> = {
  hops: integerParam({ description: 'hops', min: 1, max: 64 }),
  limit: integerParam({ description: 'limit', min: -5, max: 5, defaultValue: 3 }),
  strict: booleanParam({ description: 'strict', defaultValue: false }),
  tagKey: stringParam({ description: 'tag key', pattern: /^[A-Za-z][A-Za-z0-9_-]{0,15}$/, patternHint: 'must be a short tag key' }),
  roles: listParam<'default' | 'latest'>({ description: 'roles', allowed: ['default', 'latest'], defaultValue: ['default'] }),
};

/** parseParameters that must throw InvalidParameterError; returns it. */
function invalid(input: unknown): InvalidParameterError {
  try {
    parseParameters(schema, input);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidParameterError);
    return e as InvalidParameterError;
  }
  throw new Error('expected InvalidParameterError');
}

describe('parseParameters: defaults', () => {
  test.each([[undefined], [null], [''], [{}], ['{}']])('%p gives every default', (input) => {
    const p = parseParameters(schema, input);
    expect({ ...p }).toEqual({ hops: undefined, limit: 3, strict: false, tagKey: undefined, roles: ['default'] });
  });

  test('an empty or blank string value means "not set" (the console sends one for a blank parameter)', () => {
    const p = parseParameters(schema, { hops: '', limit: '  ', strict: '', tagKey: '', roles: '' });
    expect({ ...p }).toEqual({ hops: undefined, limit: 3, strict: false, tagKey: undefined, roles: ['default'] });
  });

  test('null value means "not set"', () => {
    expect(parseParameters(schema, { limit: null }).limit).toBe(3);
  });

  test('the result has no prototype to inherit from', () => {
    expect(Object.getPrototypeOf(parseParameters(schema, {}))).toBeNull();
  });
});

describe('parseParameters: names and containers', () => {
  test.each([
    ['a typo', { Hops: '2' }, 'Hops'],
    ['a near-miss', { hopLimit: '2' }, 'hopLimit'],
    ['an inherited name', { toString: 'x' }, 'toString'],
    ['a prototype key', JSON.parse('{"__proto__":{"polluted":1}}'), '__proto__'],
    ['constructor', { constructor: 'x' }, 'constructor'],
  ])('unknown parameter: %s', (_label, input, name) => {
    const e = invalid(input);
    expect(e.parameter).toBe(name);
    expect(e.message).toBe(`Rule parameter "${name}": is not a parameter of this rule (known: hops, limit, strict, tagKey, roles)`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a rule with no parameters says so', () => {
    const e = (() => {
      try {
        parseParameters({}, { anything: '1' });
      } catch (err) {
        return err as InvalidParameterError;
      }
      throw new Error('expected an error');
    })();
    expect(e.message).toMatch(/known: none/);
  });

  test.each([
    ['an array', ['hops'], 'must be a JSON object'],
    ['a number', 4, 'must be a JSON object'],
    ['a boolean', true, 'must be a JSON object'],
    ['a JSON array string', '[1,2]', 'must be a JSON object'],
    ['a non-JSON string', 'hops=2', 'is not valid JSON'],
  ])('ruleParameters that is %s', (_label, input, message) => {
    const e = invalid(input);
    expect(e.parameter).toBe('ruleParameters');
    expect(e.message).toBe(`Rule parameter "ruleParameters": ${message}`);
  });

  test('a JSON string is parsed', () => {
    expect(parseParameters(schema, '{"hops":"2","strict":"true"}')).toMatchObject({ hops: 2, strict: true });
  });
});

describe('integerParam', () => {
  test.each([
    ['1', 1],
    ['64', 64],
    [' 2 ', 2],
    ['007', 7],
    [12, 12],
  ])('accepts %p as %p', (raw, value) => {
    expect(parseParameters(schema, { hops: raw }).hops).toBe(value);
  });

  test.each([
    ['-1', /must be between 1 and 64, got -1/],
    ['0', /must be between 1 and 64, got 0/],
    ['65', /must be between 1 and 64, got 65/],
    [65, /must be between 1 and 64, got 65/],
    ['99999999999999999999', /must be between 1 and 64/],
    ['1.5', /expected an integer, got "1.5"/],
    [1.5, /expected an integer, got "1.5"/],
    ['6 4', /expected an integer, got "6 4"/],
    ['2\n3', /expected an integer, got "2\n3"/],
    ['+2', /expected an integer, got "\+2"/],
    ['0x10', /expected an integer, got "0x10"/],
    ['1e1', /expected an integer, got "1e1"/],
    ['two', /expected an integer, got "two"/],
    ['２', /expected an integer, got "２"/],
    [Number.NaN, /expected an integer, got "NaN"/],
    [Number.POSITIVE_INFINITY, /expected an integer, got "Infinity"/],
    [true, /expected an integer, got boolean/],
    [[2], /expected an integer, got object/],
    [{ value: 2 }, /expected an integer, got object/],
  ])('refuses %p', (raw, message) => {
    const e = invalid({ hops: raw });
    expect(e.parameter).toBe('hops');
    expect(e.message).toMatch(/^Rule parameter "hops": /);
    expect(e.message).toMatch(message);
  });

  test('negative bounds work', () => {
    expect(parseParameters(schema, { limit: '-5' }).limit).toBe(-5);
    expect(invalid({ limit: '-6' }).message).toMatch(/between -5 and 5, got -6/);
  });
});

describe('booleanParam', () => {
  test.each([
    ['true', true],
    ['TRUE', true],
    [' False ', false],
    [true, true],
    [false, false],
  ])('accepts %p', (raw, value) => {
    expect(parseParameters(schema, { strict: raw }).strict).toBe(value);
  });

  test.each([
    ['yes', /expected true or false, got "yes"/],
    ['1', /expected true or false, got "1"/],
    ['t', /expected true or false, got "t"/],
    [1, /expected true or false, got number/],
    [[true], /expected true or false, got object/],
  ])('refuses %p', (raw, message) => {
    const e = invalid({ strict: raw });
    expect(e.parameter).toBe('strict');
    expect(e.message).toMatch(message);
  });
});

describe('stringParam', () => {
  test('accepts a matching value, trimmed', () => {
    expect(parseParameters(schema, { tagKey: '  imds-exempt ' }).tagKey).toBe('imds-exempt');
  });

  test.each([
    ['1starts-with-digit', /must be a short tag key, got "1starts-with-digit"/],
    ['has space', /must be a short tag key/],
    ['x'.repeat(200), /must be a short tag key, got "x{64}"$/],
    [5, /expected a string, got number/],
    [['imds'], /expected a string, got object/],
  ])('refuses %p', (raw, message) => {
    const e = invalid({ tagKey: raw });
    expect(e.parameter).toBe('tagKey');
    expect(e.message).toMatch(message);
  });
});

describe('listParam', () => {
  test.each([
    ['default,latest', ['default', 'latest']],
    ['latest,default', ['latest', 'default']],
    [' Latest , DEFAULT ', ['latest', 'default']],
    ['default,default', ['default']],
    ['latest, latest ,default,latest', ['latest', 'default']],
    [['latest', 'latest'], ['latest']],
  ])('accepts %p as %p (duplicates removed, order kept)', (raw, value) => {
    expect(parseParameters(schema, { roles: raw }).roles).toEqual(value);
  });

  test.each([
    ['default,bogus', /"bogus" is not one of default, latest/],
    ['default,', /"" is not one of default, latest/],
    [',', /is not one of default, latest/],
    ['default;latest', /"default;latest" is not one of/],
    [[], /must name at least one value/],
    [[1], /expected a list of strings/],
    [7, /expected a comma-separated list, got number/],
    [{ default: true }, /expected a comma-separated list, got object/],
  ])('refuses %p', (raw, message) => {
    const e = invalid({ roles: raw });
    expect(e.parameter).toBe('roles');
    expect(e.message).toMatch(message);
  });
});

describe("the rules' own schemas", () => {
  const rules: ReadonlyArray<RuleDefinition<any>> = [instanceRule, launchTemplateRule, launchConfigurationRule, autoScalingGroupRule, accountDefaultsRule];

  test.each(rules.map((r) => [r.id, r] as const))('%s: maxHopLimit is validated 1-64', (_id, rule) => {
    expect(parseParameters(rule.parameters, { maxHopLimit: '2' })).toMatchObject({ maxHopLimit: 2 });
    for (const bad of ['-1', '0', '65', '2.0', 'two']) {
      expect(() => parseParameters(rule.parameters, { maxHopLimit: bad })).toThrow(InvalidParameterError);
      expect(() => parseParameters(rule.parameters, { maxHopLimit: bad })).toThrow(/Rule parameter "maxHopLimit"/);
    }
  });

  test.each(rules.map((r) => [r.id, r] as const))('%s: an unknown name is refused, naming it', (_id, rule) => {
    expect(() => parseParameters(rule.parameters, { maxHoplimit: '1' })).toThrow(/Rule parameter "maxHoplimit": is not a parameter of this rule/);
  });

  test('launch configuration: maxHopLimit defaults to 1 (AutoScaling.4)', () => {
    expect(parseParameters(launchConfigurationRule.parameters, {}).maxHopLimit).toBe(1);
  });

  test('launch template: versions defaults to default,latest and validates its values', () => {
    expect(parseParameters(launchTemplateRule.parameters, {}).versions).toEqual(['default', 'latest']);
    expect(parseParameters(launchTemplateRule.parameters, { versions: 'latest' }).versions).toEqual(['latest']);
    expect(() => parseParameters(launchTemplateRule.parameters, { versions: 'default,newest' })).toThrow(/"newest" is not one of default, latest/);
  });

  test('exemptionTagKey: valid tag keys pass, control characters do not', () => {
    expect(parseParameters(instanceRule.parameters, { exemptionTagKey: 'imdsv2:exempt-until' }).exemptionTagKey).toBe('imdsv2:exempt-until');
    expect(() => parseParameters(instanceRule.parameters, { exemptionTagKey: 'bad\u0000key' })).toThrow(/Rule parameter "exemptionTagKey"/);
    expect(() => parseParameters(instanceRule.parameters, { exemptionTagKey: 'k'.repeat(129) })).toThrow(/Rule parameter "exemptionTagKey"/);
  });
});
