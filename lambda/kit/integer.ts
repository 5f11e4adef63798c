/**
 * The one reader of "an integer, given as a number or as its string form", shared by rule
 * parameters, remediation payloads, metadata options, CDK context, CLI flags and the local
 * Automation runner. It only reads; each caller words its own error and checks its own range,
 * because AWS Config, SSM and the CLI each speak to a different reader.
 *
 * Only plain decimal digits count as an integer string: no exponent ("1e3"), hex ("0x10"),
 * fraction ("2.5"), "+" sign, or blank, which `Number()` would otherwise accept or turn into 0.
 */
export interface IntegerSyntax {
  /** Accept a leading minus sign in a string. @default true */
  readonly signed?: boolean;
  /** Ignore white space around a string. @default true */
  readonly trim?: boolean;
}

const SIGNED = /^-?\d+$/;
const UNSIGNED = /^\d+$/;

/** The integer a string spells in decimal digits, or undefined. Huge values come back as the nearest double: bound them. */
export function integerFromText(text: string, syntax: IntegerSyntax = {}): number | undefined {
  const t = syntax.trim === false ? text : text.trim();
  return (syntax.signed === false ? UNSIGNED : SIGNED).test(t) ? Number(t) : undefined;
}

/** An integer from a number (a whole, finite one) or from a string of digits; undefined for anything else. */
export function integerFrom(value: unknown, syntax: IntegerSyntax = {}): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  return typeof value === 'string' ? integerFromText(value, syntax) : undefined;
}
