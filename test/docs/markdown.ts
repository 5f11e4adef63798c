/**
 * Reading the project's Markdown the way a reader (and GitHub) sees it: headings outside code
 * fences, their anchors, and the section under a heading. Shared by the docs tests, so a section
 * they check cannot silently come back empty when a heading is renamed.
 */

export interface Heading {
  readonly level: number;
  readonly text: string;
  /** The line index of the heading. */
  readonly line: number;
}

/** Headings outside fenced code blocks (a `# comment` in a shell block is not a heading). */
export function headingsOf(text: string): Heading[] {
  const out: Heading[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^(#{1,6}) +(.+?)\s*#*\s*$/.exec(line);
    if (m) out.push({ level: m[1].length, text: m[2], line: i });
  });
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor of a document, with GitHub's `-1`, `-2` … for repeated headings. */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const h of headingsOf(text)) {
    const slug = slugOf(h.text);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/**
 * The section that starts at the heading line `heading` (e.g. "## Remediation"), up to the next heading
 * of the same or a higher level. Throws when the heading is missing, so a test never reads nothing.
 */
export function sectionOf(text: string, heading: string): string {
  const lines = text.split('\n');
  const all = headingsOf(text);
  const start = all.find((h) => `${'#'.repeat(h.level)} ${h.text}` === heading);
  if (!start) throw new Error(`no heading "${heading}"`);
  const end = all.find((h) => h.line > start.line && h.level <= start.level);
  return lines.slice(start.line, end ? end.line : lines.length).join('\n');
}
