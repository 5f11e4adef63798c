import { StepFailure } from './action';
import { asText, convert } from './values';

/** aws:branch choices: the operators Automation documents, and how a choice is judged. */

const STRING_OPS = ['StringEquals', 'EqualsIgnoreCase', 'StartsWith', 'EndsWith', 'Contains'];
const NUMERIC_OPS = ['NumericEquals', 'NumericGreater', 'NumericLesser', 'NumericGreaterOrEquals', 'NumericLesserOrEquals'];
const CHOICE_OPS = [...STRING_OPS, ...NUMERIC_OPS, 'BooleanEquals'];
const LOGICAL_OPS = ['And', 'Or', 'Not'];

export type Choice = Record<string, unknown>;

/** The static problems of one top-level choice of step `step`. */
export function choiceProblems(step: string, choice: Choice): string[] {
  const problems: string[] = [];
  if (typeof choice.NextStep !== 'string') problems.push(`${step}: a choice has no NextStep`);
  const ops = Object.keys(choice).filter((k) => CHOICE_OPS.includes(k) || LOGICAL_OPS.includes(k));
  if (ops.length !== 1) problems.push(`${step}: a choice must have exactly one operator, has ${ops.join(', ') || 'none'}`);
  return problems;
}

/** Whether a choice (or a nested condition) holds; `value` resolves a Variable. */
export function evaluateCondition(c: Choice, value: (ref: unknown) => unknown, step: string): boolean {
  if (c.And !== undefined) return (c.And as Choice[]).every((x) => evaluateCondition(x, value, step));
  if (c.Or !== undefined) return (c.Or as Choice[]).some((x) => evaluateCondition(x, value, step));
  if (c.Not !== undefined) return !evaluateCondition(c.Not as Choice, value, step);
  const op = CHOICE_OPS.find((o) => c[o] !== undefined);
  if (!op) throw new StepFailure(`${step}: a choice has no operator`);
  const v = value(c.Variable);
  const expected = c[op];
  if (STRING_OPS.includes(op)) {
    const a = asText(v);
    const e = asText(expected);
    switch (op) {
      case 'StringEquals':
        return a === e;
      case 'EqualsIgnoreCase':
        return a.toLowerCase() === e.toLowerCase();
      case 'StartsWith':
        return a.startsWith(e);
      case 'EndsWith':
        return a.endsWith(e);
      default:
        return a.includes(e);
    }
  }
  if (op === 'BooleanEquals') {
    return (convert(v, 'Boolean', `${step} Variable`) as boolean) === (convert(expected, 'Boolean', `${step} ${op}`) as boolean);
  }
  const a = Number(v);
  const e = Number(expected);
  if (!Number.isFinite(a) || !Number.isFinite(e)) throw new StepFailure(`${step}: ${op} needs numbers, got ${asText(v)} and ${asText(expected)}`);
  switch (op) {
    case 'NumericEquals':
      return a === e;
    case 'NumericGreater':
      return a > e;
    case 'NumericLesser':
      return a < e;
    case 'NumericGreaterOrEquals':
      return a >= e;
    default:
      return a <= e;
  }
}
