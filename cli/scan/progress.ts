/** The subset of a writable stream progress needs; process.stderr satisfies it. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** What the scanner tells whoever watches it. */
export interface Progress {
  /**
   * More work is known: `steps` units (one per rule per account/region, plus usage reads) over
   * `targets` account/regions. Additive: with `--region all` each account's regions arrive on their own.
   */
  start(steps: number, targets: number): void;
  /** A unit of work has begun (shown as the current activity). */
  activity(region: string, what: string): void;
  /** Resources evaluated so far grew by `n`. */
  resources(n: number): void;
  stepDone(): void;
  /** An account/region was scanned (`label`: the region, or "account region" across accounts). */
  regionDone(label: string, counts: ReadonlyArray<readonly [string, number]>, ms: number): void;
  /** An account/region could not be scanned (it is reported at the end; the display only counts it). */
  targetFailed(label: string, reason: string): void;
  /** Clears the bar. Call before anything else is written to the same stream. */
  finish(): void;
}

export const NO_PROGRESS: Progress = {
  start: () => undefined,
  activity: () => undefined,
  resources: () => undefined,
  stepDone: () => undefined,
  regionDone: () => undefined,
  targetFailed: () => undefined,
  finish: () => undefined,
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function countsText(counts: ReadonlyArray<readonly [string, number]>): string {
  return counts.map(([what, n]) => plural(n, what)).join(', ');
}

/** For logs and CI: one quiet line per region, nothing redrawn. */
export class LineProgress implements Progress {
  constructor(private readonly out: ProgressStream) {}
  start(): void {}
  activity(): void {}
  resources(): void {}
  stepDone(): void {}
  regionDone(region: string, counts: ReadonlyArray<readonly [string, number]>, ms: number): void {
    this.out.write(`imdsv2-guard: scanned ${region}: ${countsText(counts)} (${(ms / 1000).toFixed(1)} s)\n`);
  }
  targetFailed(label: string): void {
    this.out.write(`imdsv2-guard: not scanned ${label} (reason at the end)\n`);
  }
  finish(): void {}
}

/** A redrawn one-line bar with counts, for a terminal. Redraws at most every `intervalMs`. */
export class BarProgress implements Progress {
  private steps = 0;
  private done = 0;
  private regions = 0;
  private regionsDone = 0;
  private failed = 0;
  private count = 0;
  private current = '';
  private lastDraw = 0;
  private drawn = false;
  private closed = false;

  constructor(
    private readonly out: ProgressStream,
    private readonly intervalMs = 80,
    private readonly clock: () => number = Date.now,
  ) {}

  start(steps: number, targets: number): void {
    this.steps += steps;
    this.regions += targets;
    this.draw(true);
  }

  activity(region: string, what: string): void {
    this.current = `${region} ${what}`;
    this.draw(false);
  }

  resources(n: number): void {
    this.count += n;
    this.draw(false);
  }

  stepDone(): void {
    this.done += 1;
    this.draw(false);
  }

  regionDone(): void {
    this.regionsDone += 1;
    this.draw(true);
  }

  targetFailed(): void {
    this.regionsDone += 1;
    this.failed += 1;
    this.draw(true);
  }

  finish(): void {
    // \r + "erase line": leave the terminal as we found it. Work still in flight after a failure
    // must not draw over the error message that follows.
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
    this.closed = true;
  }

  /** The bar's text for a terminal `columns` wide (exposed for tests). */
  line(columns: number): string {
    const width = Math.max(10, Math.min(30, columns - 70));
    // A failed target never finishes its steps: count targets too, so the bar still reaches the end.
    const byTargets = this.regions > 0 ? this.regionsDone / this.regions : 0;
    const ratio = Math.min(1, Math.max(this.steps > 0 ? this.done / this.steps : 0, byTargets));
    const full = Math.round(ratio * width);
    const bar = `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
    const text = `scanning ${bar} ${this.done}/${this.steps} steps · ${this.regionsDone}/${this.regions} regions · ${plural(this.count, 'resource')}${this.failed > 0 ? ` · ${this.failed} not scanned` : ''}`;
    const withActivity = this.current ? `${text} · ${this.current}` : text;
    return withActivity.length > columns - 1 ? withActivity.slice(0, Math.max(0, columns - 2)) + '…' : withActivity;
  }

  private draw(force: boolean): void {
    if (this.closed) return;
    const now = this.clock();
    if (!force && now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    this.out.write(`\r\x1b[2K${this.line(this.out.columns || 80)}`);
    this.drawn = true;
  }
}

/** A bar on a terminal, quiet lines otherwise, nothing when disabled. */
export function progressFor(out: ProgressStream, enabled: boolean): Progress {
  if (!enabled) return NO_PROGRESS;
  return out.isTTY ? new BarProgress(out) : new LineProgress(out);
}
