/**
 * The JSONPath subset Automation selectors use in our documents: `$`, `.Member`, `[n]` and
 * `['Member']`, e.g. `$.Reservations[0].Instances[0].MetadataOptions.HttpPutResponseHopLimit`.
 * Filters, wildcards and recursive descent are refused rather than guessed at.
 */

export type PathSegment = { readonly kind: 'member'; readonly name: string } | { readonly kind: 'index'; readonly index: number };

export class SelectorSyntaxError extends Error {}

export function parseSelector(selector: string): PathSegment[] {
  if (!selector.startsWith('$')) throw new SelectorSyntaxError(`Selector "${selector}" must start with $`);
  const out: PathSegment[] = [];
  let i = 1;
  while (i < selector.length) {
    const rest = selector.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(rest))) {
      out.push({ kind: 'member', name: m[1] });
    } else if ((m = /^\[(\d+)\]/.exec(rest))) {
      out.push({ kind: 'index', index: Number(m[1]) });
    } else if ((m = /^\['([^']+)'\]/.exec(rest))) {
      out.push({ kind: 'member', name: m[1] });
    } else {
      throw new SelectorSyntaxError(`Selector "${selector}": unsupported syntax at "${rest}" (the runner supports $, .Member, [n] and ['Member'])`);
    }
    i += m[0].length;
  }
  return out;
}

/** The selected value, or `undefined` when the path leads nowhere (a missing member or index). */
export function select(value: unknown, selector: string): unknown {
  let current: unknown = value;
  for (const segment of parseSelector(selector)) {
    if (current === null || current === undefined) return undefined;
    if (segment.kind === 'index') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment.index];
    } else {
      if (typeof current !== 'object' || Array.isArray(current)) return undefined;
      current = Object.prototype.hasOwnProperty.call(current, segment.name) ? (current as Record<string, unknown>)[segment.name] : undefined;
    }
  }
  return current;
}
