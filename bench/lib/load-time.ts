import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { sdkSchemaKeys } from '../../scripts/sdk-schema-keys.mjs';
import { median, percentile, round } from './stats';

/** One module measured in fresh `node` processes. */
export interface LoadTime {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly runs: number;
  /** process.hrtime around `require(bundle)` inside the child (ms). */
  readonly requireMs: { readonly median: number; readonly p90: number; readonly min: number };
  /** spawn to exit of the whole `node -e "require(bundle)"` process, seen from the parent (ms). */
  readonly processMs: { readonly median: number; readonly p90: number; readonly min: number };
  /** Resident memory the require added (MB, median). */
  readonly rssAddedMB: number;
}

export interface LoadTarget {
  readonly name: string;
  readonly file: string;
}

/**
 * Builds the Config-client-only baseline with exactly the rules' esbuild options
 * (lib/esbuild-options.json and the SDK schema plugin) from bench/lib/baseline-config-client.ts.
 */
export async function buildConfigClientBaseline(root: string, outDir: string): Promise<string> {
  const options = JSON.parse(readFileSync(join(root, 'lib', 'esbuild-options.json'), 'utf8')) as Record<string, unknown>;
  const outfile = join(outDir, 'config-client-only', 'index.js');
  await build({ ...options, entryPoints: [join(__dirname, 'baseline-config-client.ts')], outfile, plugins: [sdkSchemaKeys()], logLevel: 'warning' });
  return outfile;
}

/** An empty CommonJS module: what `node` costs to start and require anything at all. */
export function writeEmptyModule(outDir: string): string {
  mkdirSync(join(outDir, 'empty'), { recursive: true });
  const file = join(outDir, 'empty', 'index.js');
  writeFileSync(file, '');
  return file;
}

export const benchOutDir = (): string => join(tmpdir(), 'imdsv2-guard-bench');

const CHILD = (file: string) =>
  `const r0=process.memoryUsage().rss;const t=process.hrtime.bigint();require(${JSON.stringify(file)});` +
  `const ms=Number(process.hrtime.bigint()-t)/1e6;process.stdout.write(JSON.stringify({ms,rss:process.memoryUsage().rss-r0}))`;

/** Runs `node -e script` in a fresh process (no NODE_OPTIONS, no SDK Node-version warning) and collects its output. */
function nodeChild(script: string, extraEnv: Readonly<Record<string, string | undefined>> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

async function once(file: string): Promise<{ requireMs: number; processMs: number; rssAdded: number }> {
  const started = process.hrtime.bigint();
  const { code, out, err } = await nodeChild(CHILD(file));
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 0) throw new Error(`node -e require(${file}) exited ${code}: ${err}`);
  const { ms, rss } = JSON.parse(out) as { ms: number; rss: number };
  return { requireMs: ms, processMs, rssAdded: rss };
}

/**
 * Cold module-load time of each target: `runs` fresh node processes each, interleaved round-robin
 * (so drift on a busy machine hits every target alike), after `warmup` unrecorded rounds that fill
 * the file cache.
 */
export async function measureLoadTimes(targets: readonly LoadTarget[], runs = 21, warmup = 2): Promise<LoadTime[]> {
  const samples = targets.map(() => ({ require: [] as number[], process: [] as number[], rss: [] as number[] }));
  for (let round0 = 0; round0 < warmup + runs; round0++) {
    for (const [i, t] of targets.entries()) {
      const s = await once(t.file);
      if (round0 < warmup) continue;
      samples[i].require.push(s.requireMs);
      samples[i].process.push(s.processMs);
      samples[i].rss.push(s.rssAdded);
    }
  }
  const summary = (values: number[]) => ({ median: round(median(values), 2), p90: round(percentile(values, 90), 2), min: round(Math.min(...values), 2) });
  return targets.map((t, i) => ({
    name: t.name,
    file: t.file,
    bytes: statSync(t.file).size,
    runs,
    requireMs: summary(samples[i].require),
    processMs: summary(samples[i].process),
    rssAddedMB: round(median(samples[i].rss) / 1048576, 1),
  }));
}

/** A bundle and the event of the path whose cold start is measured. */
export interface ColdStartTarget extends LoadTarget {
  readonly event: unknown;
}

/** Load plus first invocation, in a fresh node: what a cold start of that path costs beyond node's own start-up. */
export interface ColdStart {
  readonly name: string;
  readonly runs: number;
  /** `require(bundle)` (ms). */
  readonly requireMs: { readonly median: number; readonly p90: number; readonly min: number };
  /** `require(bundle)` + the first `handler(event)` to its answer (ms): clients created, credentials, signing, one HTTP call. */
  readonly coldMs: { readonly median: number; readonly p90: number; readonly min: number };
  /** CPU time of the same (ms): less sensitive than wall time to a busy machine. */
  readonly coldCpuMs: { readonly median: number; readonly p90: number; readonly min: number };
}

const COLD_CHILD = (file: string, event: unknown) =>
  `const c0=process.cpuUsage();const t=process.hrtime.bigint();const m=require(${JSON.stringify(file)});const r=Number(process.hrtime.bigint()-t)/1e6;` +
  `Promise.resolve(m.handler(${JSON.stringify(event)},{getRemainingTimeInMillis:()=>60000})).then(()=>{const ms=Number(process.hrtime.bigint()-t)/1e6;` +
  `const c=process.cpuUsage(c0);process.stdout.write(JSON.stringify({r,ms,cpu:(c.user+c.system)/1000}))})`;

async function coldOnce(file: string, event: unknown, env: Readonly<Record<string, string | undefined>>): Promise<{ r: number; ms: number; cpu: number }> {
  const { code, out, err } = await nodeChild(COLD_CHILD(file, event), { ...env, POWERTOOLS_LOG_LEVEL: 'SILENT' });
  if (code !== 0 || !out) throw new Error(`cold start of ${file} exited ${code}: ${err}`);
  return JSON.parse(out) as { r: number; ms: number; cpu: number };
}

/**
 * Cold starts of change paths, interleaved round-robin like `measureLoadTimes`, against `env` (an
 * endpoint that answers PutEvaluations: the synthetic one).
 */
export async function measureColdStarts(targets: readonly ColdStartTarget[], env: Readonly<Record<string, string | undefined>>, runs = 15, warmup = 2): Promise<ColdStart[]> {
  const samples = targets.map(() => ({ r: [] as number[], ms: [] as number[], cpu: [] as number[] }));
  for (let round0 = 0; round0 < warmup + runs; round0++) {
    for (const [i, t] of targets.entries()) {
      const s = await coldOnce(t.file, t.event, env);
      if (round0 < warmup) continue;
      samples[i].r.push(s.r);
      samples[i].ms.push(s.ms);
      samples[i].cpu.push(s.cpu);
    }
  }
  const summary = (values: number[]) => ({ median: round(median(values), 2), p90: round(percentile(values, 90), 2), min: round(Math.min(...values), 2) });
  return targets.map((t, i) => ({ name: t.name, runs, requireMs: summary(samples[i].r), coldMs: summary(samples[i].ms), coldCpuMs: summary(samples[i].cpu) }));
}
