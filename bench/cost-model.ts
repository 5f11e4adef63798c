// The monthly cost of the instance rule's daily sweep per account and region, from the measured
// "evaluations per sweep" rows of bench/results.json (written by `npm run bench`) and AWS's published
// prices. `npx tsx bench/cost-model.ts [results.json] [--memory 256]` prints the README's table.
//
// Prices (US East (N. Virginia), public regions), as published:
// - AWS Config rule evaluations, per account and region a month: USD 0.001 each for the first
//   100,000, 0.0008 for the next 400,000 (100,001-500,000), 0.0005 above 500,000
//   (https://aws.amazon.com/config/pricing/). With consolidated billing AWS adds up the evaluations of
//   every account to find the tier, so an organization pays at most this, per account.
// - AWS Lambda: USD 0.0000166667 per GB-second of duration (x86) and USD 0.20 per million requests
//   (https://aws.amazon.com/lambda/pricing/, and "How AWS Pricing Works": Lambda). Free tier left out.
// Duration is estimated from the CPU time measured here: Lambda gives one vCPU at 1,769 MB, in
// proportion below (AWS Lambda Developer Guide, "Lambda memory"), so CPU × 1,769 / memory; the sweep
// is CPU-bound (the SDK parsing XML), so that is close to its wall time there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CONFIG_TIERS: ReadonlyArray<{ upTo: number; usd: number }> = [
  { upTo: 100_000, usd: 0.001 },
  { upTo: 500_000, usd: 0.0008 },
  { upTo: Infinity, usd: 0.0005 },
];
export const LAMBDA_USD_PER_GB_SECOND = 0.0000166667;
export const LAMBDA_USD_PER_REQUEST = 0.2 / 1_000_000;
export const SWEEPS_PER_MONTH = 30;

/** Config's charge for `evaluations` recorded in one account and region in a month. */
export function configUsd(evaluations: number): number {
  let usd = 0;
  let from = 0;
  for (const tier of CONFIG_TIERS) {
    const inTier = Math.max(0, Math.min(evaluations, tier.upTo) - from);
    usd += inTier * tier.usd;
    from = tier.upTo;
    if (evaluations <= tier.upTo) break;
  }
  return usd;
}

/** Lambda's charge for `sweeps` runs of `cpuMs` CPU each at `memoryMB`. */
export function lambdaUsd(cpuMs: number, memoryMB: number, sweeps = SWEEPS_PER_MONTH): number {
  const seconds = (cpuMs / 1000) * (1769 / memoryMB);
  return sweeps * (seconds * (memoryMB / 1024) * LAMBDA_USD_PER_GB_SECOND + LAMBDA_USD_PER_REQUEST);
}

interface Run {
  readonly n: number;
  readonly run: string;
  readonly evaluations: number;
  readonly cpuMs: number;
}

const usd = (v: number) => (v < 0.01 && v > 0 ? `${v.toFixed(4)}` : v.toFixed(2));

export function costTable(runs: readonly Run[], memoryMB: number): string {
  const sizes = [...new Set(runs.map((r) => r.n))].sort((a, b) => a - b);
  const lines = [
    `| instances | re-send-everything sweep: Config | this rule, unchanged estate: Config | this rule, 1% changed a day: Config | managed ec2-imdsv2-check: Config per sweep | first sweep (once) | Lambda per month at ${memoryMB} MB (unchanged / 1%) |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const n of sizes) {
    const of = (name: string) => runs.find((r) => r.n === n && r.run === name);
    const first = of('first sweep');
    const unchanged = of('unchanged re-sweep');
    const changed = of('1% changed');
    if (!first || !unchanged || !changed) continue;
    lines.push(
      `| ${n.toLocaleString('en-US')} | ${usd(configUsd(SWEEPS_PER_MONTH * n))} (${(SWEEPS_PER_MONTH * n).toLocaleString('en-US')} evaluations) | ` +
        `${usd(configUsd(SWEEPS_PER_MONTH * unchanged.evaluations))} (${(SWEEPS_PER_MONTH * unchanged.evaluations).toLocaleString('en-US')}) | ` +
        `${usd(configUsd(SWEEPS_PER_MONTH * changed.evaluations))} (${(SWEEPS_PER_MONTH * changed.evaluations).toLocaleString('en-US')}) | 0.00 (no sweep) | ` +
        `${usd(configUsd(first.evaluations))} | ${usd(lambdaUsd(unchanged.cpuMs, memoryMB))} / ${usd(lambdaUsd(changed.cpuMs, memoryMB))} |`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const memoryAt = args.indexOf('--memory');
  const memoryMB = memoryAt >= 0 ? Number(args[memoryAt + 1]) : 256;
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--memory') ?? join(__dirname, 'results.json');
  const results = JSON.parse(readFileSync(file, 'utf8')) as { evaluationsPerSweep?: Run[]; machine?: { cpuModel: string } };
  if (!results.evaluationsPerSweep?.length) throw new Error(`${file} has no evaluationsPerSweep rows: run npm run bench (or tsx bench/run.ts --only changes) first`);
  process.stdout.write(`${costTable(results.evaluationsPerSweep, memoryMB)}\n`);
}
