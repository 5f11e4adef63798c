/** Edit distance (insertions, deletions, substitutions, and swaps of two neighbours each cost 1). */
function distance(a: string, b: string): number {
  // d[i][j] = distance between the first i characters of a and the first j of b.
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `word` (case-insensitive), or undefined when even the closest needs more
 * edits than a third of the longer of the two (2 are always allowed): a suggestion that shares
 * nothing with what was typed helps no one. Ties go to the earlier candidate.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; cost: number } | undefined;
  for (const candidate of candidates) {
    const cost = distance(word.toLowerCase(), candidate.toLowerCase());
    if (!best || cost < best.cost) best = { candidate, cost };
  }
  if (!best) return undefined;
  const allowed = Math.max(2, Math.floor(Math.max(word.length, best.candidate.length) / 3));
  return best.cost <= allowed ? best.candidate : undefined;
}
