/** The help screens' text layout, shared by every command (scan, doctor, report). */

/** Wraps `text` to `width` columns, every line after the first indented by `indent`. */
export function wrap(text: string, width: number, indent: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && line.length + 1 + w.length > width - indent) {
      lines.push(line);
      line = w;
    } else {
      line = line === '' ? w : `${line} ${w}`;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** The width a help screen is laid out for: the terminal's, kept between 60 and 120 columns. */
export function helpWidth(columns: number): number {
  return Math.max(60, Math.min(columns, 120));
}

/** One option of a help screen: the name in a 30-column gutter, its text wrapped beside it. */
export function optionLine(name: string, text: string, width: number): string {
  return `  ${name.padEnd(30)} ${wrap(text, width, 33)}`;
}
