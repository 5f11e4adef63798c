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
 * A steady-state periodic sweep of `n` synthetic instances (Config already holds a result for each),
 * run by the imdsv2-instance bundle in a fresh child `node`, against the synthetic endpoint.
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
    const { minimum, formula } = sweepMinimum['imdsv2-instance'](n);
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
