/**
 * A small, honest IAM policy evaluator for the subset of the policy language the guardrails use.
 * It exists so the tests can ask "is this request denied?" of the exact JSON that is deployed.
 * Anything outside the subset throws instead of guessing.
 *
 * Rules implemented (IAM User Guide, "Condition operators" and "Conditions with multiple context
 * keys or values"):
 * - An explicit Deny wins; otherwise an Allow allows; otherwise the request is implicitly denied.
 * - Action / NotAction: case-insensitive, `*` and `?` wildcards. Resource / NotResource: `*`, or an
 *   ARN matched component by component (six colon-separated parts), case-sensitive, wildcards inside parts.
 * - Condition operators AND together; keys under one operator AND together; several values for a
 *   key OR together, except for a negated operator, where they NOR together ("matches none of").
 * - A key absent from the request makes a condition false, except for a negated operator
 *   (StringNotEquals, ArnNotLike, NumericNotEquals, …), which is then true; `…IfExists` is true for an
 *   absent key; `Null: true` holds when the key is absent, `Null: false` when it is present.
 * - Condition key names are case-insensitive; String* values are case-sensitive unless `…IgnoreCase`.
 * - A request key with several values (no ForAnyValue/ForAllValues): a positive operator holds if
 *   any request value matches any policy value; a negated operator holds if none does.
 * - Numeric operators compare numbers; a value that is not a number never matches.
 * Not supported (throws): Date*, IpAddress, Binary, ForAnyValue:/ForAllValues:, policy variables,
 * Principal/NotPrincipal (SCPs have none).
 */

export type ContextScalar = string | number | boolean;
export type ContextValue = ContextScalar | readonly ContextScalar[];

export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, ContextValue | undefined>>;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface Policy {
  readonly Version?: string;
  readonly Statement: Statement | readonly Statement[];
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface Evaluation {
  readonly decision: Decision;
  /** Sids (or `#index`) of the Deny statements that matched. */
  readonly denyingStatements: readonly string[];
  /** Sids (or `#index`) of the Allow statements that matched. */
  readonly allowingStatements: readonly string[];
}

/** What AWS Organizations attaches everywhere by default: SCPs then only subtract. */
export const FULL_AWS_ACCESS: Policy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

const toList = <T>(v: T | readonly T[]): readonly T[] => (Array.isArray(v) ? (v as readonly T[]) : [v as T]);

function wildcardRegex(pattern: string, ignoreCase: boolean): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
}

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  return wildcardRegex(pattern, ignoreCase).test(value);
}

function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** ArnLike/ArnEquals and Resource matching: each of the six ARN components matched on its own. */
export function arnMatch(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = arnParts(pattern);
  const a = arnParts(arn);
  if (p === undefined || a === undefined) return false;
  return p.every((part, i) => wildcardMatch(part, a[i]));
}

function actionMatches(patterns: readonly string[], action: string): boolean {
  return patterns.some((p) => wildcardMatch(p, action, true));
}

function noVariables(value: string): string {
  if (value.includes('${')) throw new Error(`Policy variables are not supported by this evaluator: ${value}`);
  return value;
}

type Matcher = (policyValue: string, requestValue: ContextScalar) => boolean;

const asNumber = (v: unknown): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

function numeric(compare: (request: number, policy: number) => boolean): Matcher {
  return (p, r) => {
    const pn = asNumber(p);
    const rn = asNumber(r);
    return pn !== undefined && rn !== undefined && compare(rn, pn);
  };
}

/** Positive base operators; each negated operator is "not (positive)" over the same values. */
const POSITIVE: Record<string, Matcher> = {
  StringEquals: (p, r) => String(r) === p,
  StringEqualsIgnoreCase: (p, r) => String(r).toLowerCase() === p.toLowerCase(),
  StringLike: (p, r) => wildcardMatch(p, String(r)),
  NumericEquals: numeric((r, p) => r === p),
  NumericLessThan: numeric((r, p) => r < p),
  NumericLessThanEquals: numeric((r, p) => r <= p),
  NumericGreaterThan: numeric((r, p) => r > p),
  NumericGreaterThanEquals: numeric((r, p) => r >= p),
  ArnEquals: (p, r) => arnMatch(p, String(r)),
  ArnLike: (p, r) => arnMatch(p, String(r)),
  Bool: (p, r) => String(r).toLowerCase() === p.toLowerCase(),
};

const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  NumericNotEquals: 'NumericEquals',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

function lookup(context: Request['context'], key: string): readonly ContextScalar[] | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) {
    if (k.toLowerCase() !== wanted || v === undefined) continue;
    const values = toList<ContextScalar>(v);
    return values.length === 0 ? undefined : values;
  }
  return undefined;
}

function policyValues(key: string, raw: unknown): string[] {
  const values = toList(raw as unknown);
  return values.map((v) => {
    if (typeof v === 'string') return noVariables(v);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new Error(`Condition value for ${key} must be a string, number or boolean, got ${JSON.stringify(v)}`);
  });
}

/** Evaluates one operator against one key. Exported for the evaluator's own tests. */
export function evaluateOperator(operator: string, key: string, rawValues: unknown, context: Request['context']): boolean {
  if (operator.includes(':')) throw new Error(`Set operators (${operator}) are not supported by this evaluator`);
  const values = policyValues(key, rawValues);
  const requestValues = lookup(context, key);
  if (operator === 'Null') {
    // "true": the key must be absent; "false": present.
    return values.some((v) => (v.toLowerCase() === 'true' ? requestValues === undefined : requestValues !== undefined));
  }
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const negatedOf = NEGATED[base];
  const matcher = POSITIVE[negatedOf ?? base];
  if (matcher === undefined) throw new Error(`Condition operator ${operator} is not supported by this evaluator`);
  if (requestValues === undefined) {
    // IfExists: no key, no test. Otherwise: a positive test fails, a negated one holds.
    return ifExists || negatedOf !== undefined;
  }
  const anyMatch = requestValues.some((r) => values.some((p) => matcher(p, r)));
  return negatedOf !== undefined ? !anyMatch : anyMatch;
}

export function evaluateCondition(condition: Statement['Condition'], context: Request['context']): boolean {
  if (condition === undefined) return true;
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => evaluateOperator(operator, key, values, context)),
  );
}

export function statementMatches(s: Statement, request: Request): boolean {
  if ((s.Action === undefined) === (s.NotAction === undefined)) throw new Error('A statement needs exactly one of Action or NotAction');
  if ((s.Resource === undefined) === (s.NotResource === undefined)) throw new Error('A statement needs exactly one of Resource or NotResource');
  if ('Principal' in s || 'NotPrincipal' in s) throw new Error('Principal/NotPrincipal are not supported by this evaluator');
  const actionHit = s.Action !== undefined ? actionMatches(toList(s.Action), request.action) : !actionMatches(toList(s.NotAction!), request.action);
  if (!actionHit) return false;
  const resourceHit =
    s.Resource !== undefined
      ? toList(s.Resource).some((r) => arnMatch(r, request.resource))
      : !toList(s.NotResource!).some((r) => arnMatch(r, request.resource));
  if (!resourceHit) return false;
  return evaluateCondition(s.Condition, request.context);
}

/** Evaluates a request against a set of policies that all apply (one level of an SCP hierarchy). */
export function evaluate(policies: readonly Policy[], request: Request): Evaluation {
  const denying: string[] = [];
  const allowing: string[] = [];
  policies.forEach((policy, p) => {
    toList(policy.Statement).forEach((s, i) => {
      if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new Error(`Effect must be Allow or Deny, got ${String(s.Effect)}`);
      if (!statementMatches(s, request)) return;
      (s.Effect === 'Deny' ? denying : allowing).push(s.Sid ?? `#${p}.${i}`);
    });
  });
  const decision: Decision = denying.length > 0 ? 'ExplicitDeny' : allowing.length > 0 ? 'Allow' : 'ImplicitDeny';
  return { decision, denyingStatements: denying, allowingStatements: allowing };
}
