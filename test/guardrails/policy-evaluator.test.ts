import {
  arnMatch,
  evaluate,
  evaluateCondition,
  evaluateOperator,
  FULL_AWS_ACCESS,
  type Policy,
  type Request,
  wildcardMatch,
} from './policy-evaluator';

const req = (context: Request['context'], action = 'ec2:RunInstances', resource = 'arn:aws:ec2:us-east-1:111122223333:instance/*'): Request => ({
  action,
  resource,
  context,
});

describe('policy evaluator: matching', () => {
  test.each([
    ['ec2:RunInstances', 'ec2:RunInstances', true],
    ['ec2:run*', 'ec2:RunInstances', true],
    ['EC2:RUNINSTANCES', 'ec2:RunInstances', true],
    ['ec2:Run?nstances', 'ec2:RunInstances', true],
    ['ec2:Describe*', 'ec2:RunInstances', false],
    ['*', 'autoscaling:CreateLaunchConfiguration', true],
  ])('action pattern %s vs %s → %s', (pattern, action, expected) => {
    const policy: Policy = { Statement: { Effect: 'Allow', Action: pattern, Resource: '*' } };
    expect(evaluate([policy], req({}, action)).decision).toBe(expected ? 'Allow' : 'ImplicitDeny');
  });

  test.each([
    ['*', 'arn:aws:ec2:us-east-1:111122223333:image/ami-1', true],
    ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc', true],
    ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ec2:us-east-1:111122223333:image/ami-1', false],
    // Each component is matched on its own: a wildcard in the region does not swallow the account.
    ['arn:aws:ec2:*:instance/*', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abc', false],
    ['arn:aws:iam::*:role/*/BreakGlass', 'arn:aws:iam::111122223333:role/ops/emergency/BreakGlass', true],
    ['arn:aws:iam::*:role/BreakGlass', 'arn:aws:iam::111122223333:role/ops/BreakGlass', false],
    ['arn:aws:iam::*:role/BreakGlass', 'arn:aws:iam::111122223333:role/breakglass', false],
    ['arn:aws:iam::*:role/BreakGlass', 'not-an-arn', false],
  ])('ARN pattern %s vs %s → %s', (pattern, arn, expected) => {
    expect(arnMatch(pattern, arn)).toBe(expected);
  });

  test('wildcards escape regex metacharacters', () => {
    expect(wildcardMatch('a.b', 'axb')).toBe(false);
    expect(wildcardMatch('a+b(c)', 'a+b(c)')).toBe(true);
  });

  test('NotAction and NotResource invert the match', () => {
    const notAction: Policy = { Statement: { Effect: 'Deny', NotAction: 'ec2:Describe*', Resource: '*' } };
    expect(evaluate([notAction], req({})).decision).toBe('ExplicitDeny');
    expect(evaluate([notAction], req({}, 'ec2:DescribeInstances')).decision).toBe('ImplicitDeny');
    const notResource: Policy = { Statement: { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:ec2:*:*:image/*' } };
    expect(evaluate([notResource], req({})).decision).toBe('ExplicitDeny');
    expect(evaluate([notResource], req({}, 'ec2:RunInstances', 'arn:aws:ec2:us-east-1:111122223333:image/ami-1')).decision).toBe('ImplicitDeny');
  });
});

describe('policy evaluator: decisions', () => {
  const denyOptional: Policy = {
    Statement: [{ Sid: 'D', Effect: 'Deny', Action: 'ec2:RunInstances', Resource: '*', Condition: { StringEquals: { 'ec2:MetadataHttpTokens': 'optional' } } }],
  };

  test('an explicit deny wins over an allow', () => {
    const e = evaluate([FULL_AWS_ACCESS, denyOptional], req({ 'ec2:MetadataHttpTokens': 'optional' }));
    expect(e).toEqual({ decision: 'ExplicitDeny', denyingStatements: ['D'], allowingStatements: ['#0.0'] });
  });

  test('without a matching allow the request is implicitly denied', () => {
    expect(evaluate([denyOptional], req({ 'ec2:MetadataHttpTokens': 'required' })).decision).toBe('ImplicitDeny');
  });

  test('an allow with no matching deny allows', () => {
    expect(evaluate([FULL_AWS_ACCESS, denyOptional], req({ 'ec2:MetadataHttpTokens': 'required' })).decision).toBe('Allow');
  });
});

describe('policy evaluator: condition operators', () => {
  // [operator, policy value(s), request value (undefined = key absent), expected]
  test.each<[string, unknown, string | number | readonly string[] | undefined, boolean]>([
    ['StringEquals', 'required', 'required', true],
    ['StringEquals', 'required', 'Required', false],
    ['StringEquals', ['optional', 'required'], 'required', true],
    ['StringEquals', 'required', undefined, false],
    ['StringNotEquals', 'required', 'optional', true],
    ['StringNotEquals', 'required', 'required', false],
    // Negated, key absent: TRUE (IAM User Guide, condition operators).
    ['StringNotEquals', 'required', undefined, true],
    // Negated with several values: NOR, i.e. true only when the request matches none of them.
    ['StringNotEquals', ['a', 'b'], 'a', false],
    ['StringNotEquals', ['a', 'b'], 'c', true],
    ['StringEqualsIgnoreCase', 'required', 'REQUIRED', true],
    ['StringNotEqualsIgnoreCase', 'required', 'REQUIRED', false],
    ['StringLike', 'imdsv2-*', 'imdsv2-guard', true],
    ['StringLike', 'imdsv2-?', 'imdsv2-ab', false],
    ['StringNotLike', 'imdsv2-*', 'other', true],
    ['StringNotLike', 'imdsv2-*', undefined, true],
    ['ArnLike', 'arn:aws:iam::*:role/Admin', 'arn:aws:iam::111122223333:role/Admin', true],
    ['ArnNotLike', ['arn:aws:iam::*:role/A', 'arn:aws:iam::*:role/B'], 'arn:aws:iam::111122223333:role/B', false],
    ['ArnNotLike', ['arn:aws:iam::*:role/A', 'arn:aws:iam::*:role/B'], 'arn:aws:iam::111122223333:role/C', true],
    ['ArnNotLike', 'arn:aws:iam::*:role/A', undefined, true],
    ['ArnEquals', 'arn:aws:iam::*:role/A', 'arn:aws:iam::111122223333:role/A', true],
    ['NumericGreaterThan', '2', 3, true],
    ['NumericGreaterThan', '2', '2', false],
    ['NumericGreaterThan', '2', '-1', false],
    ['NumericGreaterThan', '2', undefined, false],
    ['NumericGreaterThan', '2', 'lots', false],
    ['NumericLessThanEquals', '2', 2, true],
    ['NumericLessThanEquals', '2', 3, false],
    ['NumericEquals', '1', '1', true],
    ['NumericNotEquals', '1', undefined, true],
    ['Bool', 'true', 'TRUE', true],
    // IfExists: an absent key passes; a present one is tested.
    ['StringEqualsIfExists', 'required', undefined, true],
    ['StringEqualsIfExists', 'required', 'optional', false],
    ['StringNotEqualsIfExists', 'required', undefined, true],
    ['StringNotEqualsIfExists', 'required', 'required', false],
    ['NumericGreaterThanIfExists', '2', undefined, true],
    ['NumericGreaterThanIfExists', '2', 1, false],
    // Null: "true" holds when the key is absent, "false" when it is present.
    ['Null', 'true', undefined, true],
    ['Null', 'true', 'x', false],
    ['Null', 'false', 'x', true],
    ['Null', 'false', undefined, false],
    ['Null', false, 'x', true],
    // A multi-valued request key: a positive operator holds if any value matches, a negated one if none does.
    ['StringEquals', 'b', ['a', 'b'], true],
    ['StringNotEquals', 'b', ['a', 'b'], false],
  ])('%s %j vs %j → %s', (operator, values, requestValue, expected) => {
    const context = requestValue === undefined ? {} : { 'test:Key': requestValue };
    expect(evaluateOperator(operator, 'test:Key', values, context)).toBe(expected);
  });

  test('condition key names are case-insensitive', () => {
    expect(evaluateOperator('StringEquals', 'aws:PrincipalARN', 'x', { 'aws:PrincipalArn': 'x' })).toBe(true);
  });

  test('operators AND together, and so do keys under one operator', () => {
    const condition = {
      StringNotEquals: { 'ec2:Attribute/HttpTokens': 'required', 'aws:PrincipalAccount': '999988887777' },
      Null: { 'ec2:Attribute/HttpTokens': 'false' },
    };
    expect(evaluateCondition(condition, { 'ec2:Attribute/HttpTokens': 'optional', 'aws:PrincipalAccount': '111122223333' })).toBe(true);
    expect(evaluateCondition(condition, { 'ec2:Attribute/HttpTokens': 'optional', 'aws:PrincipalAccount': '999988887777' })).toBe(false);
    expect(evaluateCondition(condition, { 'aws:PrincipalAccount': '111122223333' })).toBe(false);
    expect(evaluateCondition(undefined, {})).toBe(true);
  });

  test('an empty list for a request key counts as absent', () => {
    expect(evaluateOperator('StringNotEquals', 'k', 'x', { k: [] })).toBe(true);
    expect(evaluateOperator('Null', 'k', 'true', { k: [] })).toBe(true);
  });

  test.each([
    ['DateLessThan', 'aws:CurrentTime', '2030-01-01T00:00:00Z'],
    ['IpAddress', 'aws:SourceIp', '10.0.0.0/8'],
    ['ForAnyValue:StringEquals', 'aws:TagKeys', 'x'],
    ['StringEquals', 'aws:PrincipalArn', '${aws:username}'],
  ])('refuses what it does not implement: %s', (operator, key, value) => {
    expect(() => evaluateOperator(operator, key, value, { [key]: 'x' })).toThrow(/not supported/);
  });

  test('refuses malformed statements instead of guessing', () => {
    expect(() => evaluate([{ Statement: { Effect: 'Deny', Resource: '*' } as never }], req({}))).toThrow(/Action or NotAction/);
    expect(() => evaluate([{ Statement: { Effect: 'Deny', Action: '*' } as never }], req({}))).toThrow(/Resource or NotResource/);
    expect(() => evaluate([{ Statement: { Effect: 'Maybe', Action: '*', Resource: '*' } as never }], req({}))).toThrow(/Effect/);
  });
});
