/**
 * The one plain-text table of the CLI, the demo and the scripts: columns padded to their widest
 * cell, separated by two spaces. The last column is never padded, so a long reason or path does not
 * push trailing blanks onto every line.
 */
export interface TableLayout {
  /** Put before every line. @default '' */
  readonly indent?: string;
  /** Between two columns: one string for every boundary, or one per boundary. @default '  ' */
  readonly gap?: string | readonly string[];
  /** Columns aligned right (by index), such as sizes; the others are aligned left. @default [] */
  readonly alignRight?: readonly number[];
  /** renderColumns: the narrowest each column may be (by index). @default [] */
  readonly minWidths?: readonly number[];
}

/** Each column's width: its widest cell, and at least `minWidths[i]`. */
export function columnWidths(rows: ReadonlyArray<readonly string[]>, minWidths: readonly number[] = []): number[] {
  const widths = [...minWidths];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return widths;
}

/** One line of cells at the given widths, every cell but the last padded (kept as is: no trimming). */
export function formatRow(cells: readonly string[], widths: readonly number[], layout: TableLayout = {}): string {
  const gap = layout.gap ?? '  ';
  const gapBefore = (i: number): string => (i === 0 ? '' : typeof gap === 'string' ? gap : (gap[i - 1] ?? '  '));
  const pad = (cell: string, i: number): string => {
    if (i === cells.length - 1) return cell;
    return layout.alignRight?.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0);
  };
  return (layout.indent ?? '') + cells.map((cell, i) => gapBefore(i) + pad(cell, i)).join('');
}

/** Rows as aligned lines (the first row is usually the header); trailing white space removed. */
export function renderColumns(rows: ReadonlyArray<readonly string[]>, layout: TableLayout = {}): string[] {
  const widths = columnWidths(rows, layout.minWidths);
  return rows.map((row) => formatRow(row, widths, layout).trimEnd());
}

/** A cell cut to `max` characters, an ellipsis marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}
