import { join } from 'node:path';
import { scheduledEvent, sdkEnv } from '../../test/integration/harness';
import { tally, sweepMinimum, type CallCount } from './api-calls';
import { runHandlerInChild, type ChildReport } from './child';
import { startSyntheticAws } from './synthetic-aws';

/**
 * V8 heap flags Lambda's Node.js bootstrap passes for a 128 MB function: new space = memory/10,
 * semi-space = half of that, old space = the rest (as in copies of /var/runtime/bootstrap; AWS does
 * not document them).
 */
export function lambdaNodeArgs(memoryMB: number): string[] {
  const newSpace = Math.floor(memoryMB / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMB - newSpace}`];
}
export const LAMBDA_128MB_NODE_ARGS: readonly string[] = lambdaNodeArgs(128);

/** Lambda gives a function one vCPU's worth of CPU at 1,769 MB, in proportion below (AWS Lambda Developer Guide). */
export const estimatedLambdaSeconds = (cpuMs: number, memoryMB: number): number => (cpuMs / 1000) * (1769 / memoryMB);

export interface BigSweep {
  readonly n: number;
  /** Node flags of the child: none (as a developer runs node), or Lambda's for 128 MB. */
  readonly nodeArgs: readonly string[];
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly cpuUsPerEvaluation: number;
  readonly peakRssMB: number;
  readonly peakAnonRssMB: number;
  readonly rssAfterLoadMB: number;
  readonly fits128MB: boolean;
  /** The Lambda memory size whose bootstrap heap flags the child ran with, if any. */
  readonly lambdaMemoryMB?: number;
  readonly evaluationsDelivered: number;
  /** DescribeInstances calls, and the page size they show (the rule picks it from AWS_LAMBDA_FUNCTION_MEMORY_SIZE). */
  readonly describeCalls: number;
  readonly pageSize: number;
  readonly duplicates: number;
  readonly returnedByHandler: number | undefined;
  readonly instanceXmlBytes: number;
  readonly bytesServed: number;
  readonly counts: CallCount;
  readonly child: ChildReport;
}

/**
 * The heaviest periodic sweep of `n` synthetic instances: Config already holds a result for each, and
 * none matches (so the sweep keeps all n fingerprints and still sends every evaluation). Run by the
 * imdsv2-instance bundle in a fresh child `node`, against the synthetic endpoint.
 */
export async function bigSweep(
  root: string,
  n: number,
  nodeArgs: readonly string[] = [],
  bundle = join(root, 'dist', 'lambda', 'imdsv2-instance', 'index.js'),
  lambdaMemoryMB?: number,
): Promise<BigSweep> {
  const aws = await startSyntheticAws({ instances: n, priorResults: n });
  try {
    const env = {
      ...sdkEnv(aws),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // As Lambda sets it: the instance rule picks its page size from it.
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: lambdaMemoryMB === undefined ? undefined : String(lambdaMemoryMB),
    };
    const event = scheduledEvent({ ruleName: 'bench-synthetic', ruleParameters: { exemptionTagKey: 'imdsv2-exempt-until' } });
    const child = await runHandlerInChild(bundle, event, env, 900_000, nodeArgs);
    const cpuMs = child.cpuUserMs + child.cpuSystemMs;
    const calls = [...aws.calls].flatMap(([operation, count]) => Array.from({ length: count }, () => ({ operation })));
    const { minimum, formula } = sweepMinimum['imdsv2-instance'](n, n, aws.stats.evaluations);
    const counts = tally(calls, {
      rule: 'imdsv2-instance',
      kind: 'sweep',
      n,
      source: 'synthetic',
      run: 'steady',
      evaluations: aws.stats.evaluations,
      minimum,
      minimumFormula: formula,
      ms: Math.round(child.wallMs),
    });
    return {
      n,
      nodeArgs,
      wallMs: Math.round(child.wallMs),
      cpuMs: Math.round(cpuMs),
      cpuUsPerEvaluation: Math.round((cpuMs * 1000) / Math.max(1, aws.stats.evaluations)),
      peakRssMB: Math.round((child.maxRssKB / 1024) * 10) / 10,
      peakAnonRssMB: Math.round((child.sampledPeakAnonKB / 1024) * 10) / 10,
      rssAfterLoadMB: Math.round((child.rssAfterLoadKB / 1024) * 10) / 10,
      fits128MB: child.maxRssKB / 1024 <= 128,
      lambdaMemoryMB,
      evaluationsDelivered: aws.stats.evaluations,
      describeCalls: aws.calls.get('DescribeInstances') ?? 0,
      pageSize: aws.stats.describeMaxResults ?? 0,
      duplicates: aws.stats.duplicates,
      returnedByHandler: child.returned.length,
      instanceXmlBytes: aws.instanceXmlBytes,
      bytesServed: aws.stats.bytesSent,
      counts,
      child,
    };
  } finally {
    await aws.stop();
  }
}

/** One of the three sweeps `changedSweeps` runs. */
export interface ChangedSweepRun {
  readonly n: number;
  readonly run: 'first sweep' | 'unchanged re-sweep' | '1% changed';
  /** Results Config held when the run started. */
  readonly held: number;
  /** Evaluations recorded (PutEvaluations entries received). */
  readonly evaluations: number;
  readonly counts: CallCount;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMB: number;
}

/** Instances whose HttpTokens flip for the "1% changed" run: every hundredth. */
export const ONE_PERCENT = (i: number): boolean => i % 100 === 50;

/**
 * Three periodic sweeps of `n` synthetic instances against one stateful synthetic endpoint, each in a
 * fresh child `node` as Lambda would run them on three days: the first (Config holds nothing), an
 * unchanged re-sweep, and one after 1% of the instances changed their HttpTokens.
 */
export async function changedSweeps(
  root: string,
  n: number,
  nodeArgs: readonly string[] = [],
  lambdaMemoryMB?: number,
  bundle = join(root, 'dist', 'lambda', 'imdsv2-instance', 'index.js'),
): Promise<ChangedSweepRun[]> {
  const aws = await startSyntheticAws({ instances: n, tallyPerResource: false, ruleName: 'bench-changed' });
  const out: ChangedSweepRun[] = [];
  try {
    const env = {
      ...sdkEnv(aws),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: lambdaMemoryMB === undefined ? undefined : String(lambdaMemoryMB),
    };
    for (const run of ['first sweep', 'unchanged re-sweep', '1% changed'] as const) {
      aws.setFlipped(run === '1% changed' ? ONE_PERCENT : undefined);
      aws.reset();
      const held = aws.heldResults();
      const event = scheduledEvent({ ruleName: 'bench-changed', ruleParameters: { exemptionTagKey: 'imdsv2-exempt-until' } });
      const child = await runHandlerInChild(bundle, event, env, 900_000, nodeArgs);
      const calls = [...aws.calls].flatMap(([operation, count]) => Array.from({ length: count }, () => ({ operation })));
      const { minimum, formula } = sweepMinimum['imdsv2-instance'](n, held, aws.stats.evaluations);
      out.push({
        n,
        run,
        held,
        evaluations: aws.stats.evaluations,
        counts: tally(calls, { rule: 'imdsv2-instance', kind: 'sweep', n, source: 'synthetic', run: run === 'first sweep' ? 'first' : 'steady', evaluations: aws.stats.evaluations, minimum, minimumFormula: formula, ms: Math.round(child.wallMs) }),
        wallMs: Math.round(child.wallMs),
        cpuMs: Math.round(child.cpuUserMs + child.cpuSystemMs),
        peakRssMB: Math.round((child.maxRssKB / 1024) * 10) / 10,
      });
    }
    return out;
  } finally {
    await aws.stop();
  }
}
