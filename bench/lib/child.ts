import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What bench/lib/run-handler-child.cjs reports. */
export interface ChildReport {
  readonly ok: boolean;
  readonly error?: string;
  readonly loadMs: number;
  readonly wallMs: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly maxRssKB: number;
  readonly sampledPeakKB: number;
  /** Peak anonymous (not file-backed) RSS, sampled every 25 ms from /proc/self/status (Linux). */
  readonly sampledPeakAnonKB: number;
  /** process.memoryUsage() when the sampled RSS peaked. */
  readonly atPeak: { heapTotalKB: number; heapUsedKB: number; externalKB: number; arrayBuffersKB: number };
  readonly rssAtStartKB: number;
  readonly rssAfterLoadKB: number;
  readonly heapUsedAtEndKB: number;
  readonly returned: { kind: string; length?: number; keys?: string[] };
  /** Memory every half second of the invocation (ms since the handler started). */
  readonly series: readonly { ms: number; rssKB: number; anonKB: number; heapTotalKB: number; heapUsedKB: number; externalKB: number }[];
  /** Lines the handler logged to stdout (Powertools JSON, one per batch plus the summary). */
  logLines: number;
  /** The last warning/summary lines the handler logged, parsed. */
  logTail: unknown[];
}

/**
 * Runs a bundle's handler in a fresh `node` (no flags) with `env` added to this process's
 * environment, and returns the child's own measurements.
 */
export async function runHandlerInChild(
  bundle: string,
  event: unknown,
  env: Record<string, string | undefined>,
  budgetMs = 900_000,
  nodeArgs: readonly string[] = [],
): Promise<ChildReport> {
  const dir = mkdtempSync(join(tmpdir(), 'imdsv2-guard-bench-'));
  const jobFile = join(dir, 'job.json');
  writeFileSync(jobFile, JSON.stringify({ bundle, event, budgetMs }));
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.NODE_OPTIONS; // no inherited --max-old-space-size or loaders
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  try {
    return await new Promise<ChildReport>((resolve, reject) => {
      const child = spawn(process.execPath, [...nodeArgs, join(__dirname, 'run-handler-child.cjs'), jobFile], {
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        env: childEnv,
      });
      let out = '';
      let err = '';
      let lines = 0;
      let partial = '';
      const tail: string[] = [];
      child.stdout!.on('data', (chunk: Buffer) => {
        const text = partial + chunk.toString('utf8');
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          if (!line.trim()) continue;
          lines += 1;
          if (/"level":"(WARN|ERROR)"|sweep complete|sweep stopped/.test(line)) tail.push(line);
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        err = (err + chunk.toString('utf8')).slice(-8000);
      });
      (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => {
        if (!out) {
          reject(new Error(`handler child exited ${code} without a report:\n${err}`));
          return;
        }
        const report = JSON.parse(out) as ChildReport;
        report.logLines = lines;
        report.logTail = tail.slice(-5).map((l) => {
          try {
            return JSON.parse(l);
          } catch {
            return l;
          }
        });
        if (!report.ok) reject(new Error(`handler failed in the child: ${report.error}\n${err}`));
        else resolve(report);
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
