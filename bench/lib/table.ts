/** A plain-text table: columns padded to the widest cell, a rule under the header and between sections. */
export interface Row {
  readonly cells: readonly string[];
  /** Draw a rule above this row (a new section). */
  readonly section?: boolean;
}

export function renderTable(header: readonly string[], rows: readonly Row[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r.cells[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const out = [line(header), rule];
  rows.forEach((r, i) => {
    if (r.section && i > 0) out.push(rule);
    out.push(line(r.cells));
  });
  return out.join('\n');
}
