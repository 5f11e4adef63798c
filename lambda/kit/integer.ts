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
  /** Accept a leading minus sign in a string (a negative number is always accepted). @default true */
  readonly signed?: boolean;
  /** Ignore white space around a string. @default true */
  readonly trim?: boolean;
}

/**
 * An integer from a whole, finite number or from a string of digits; undefined for anything else.
 * A huge digit string comes back as the nearest double: callers bound it.
 */
export function integerFrom(value: unknown, syntax: IntegerSyntax = {}): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = syntax.trim === false ? value : value.trim();
  return (syntax.signed === false ? /^\d+$/ : /^-?\d+$/).test(text) ? Number(text) : undefined;
}
