// `npm run bench`: how big and how fast the rule bundles are, how many API calls an evaluation
// costs against moto beside the theoretical minimum, what a 100,000-instance sweep costs the Lambda
// process, and `scan` beside the equivalent awscli chain. Prints one table; writes bench/results.json.
//
//   tsx bench/run.ts [--quick] [--moto-10k] [--runs N] [--only changes|load]
//     --quick     fewer load runs, N=10,000 instead of 100,000 for the big sweep (a smoke run)
//     --only      just one section: `changes` (evaluations recorded per sweep) or `load` (bundle load)
//     --moto-10k  also sweep 10,000 instances in moto (slow: ~2 min more; moto pages by reservation)
//     --runs N    fresh node processes per bundle for load times (default 21, at least 15)
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RULE_IDS } from '../lambda/rules/catalog';
import { readFileSync } from 'node:fs';
import { startFront, startLocalMoto, type Front, type MotoServer } from '../cli/local/aws';
import { sdkEnv } from '../test/integration/harness';
import { addInstances, changeEventCounts, seedEstate, sweepCounts, type CallCount } from './lib/api-calls';
import { bigSweep, changedSweeps, estimatedLambdaSeconds, lambdaNodeArgs, type BigSweep, type ChangedSweepRun } from './lib/big-sweep';
import { benchOutDir, buildConfigClientBaseline, measureColdStarts, measureLoadTimes, writeEmptyModule, type ColdStart, type LoadTime } from './lib/load-time';
import { startSyntheticAws } from './lib/synthetic-aws';
import { machineInfo } from './lib/machine';
import { startMotoPager, type MotoPager } from '../cli/local/aws';
import { scanVsCli, type ScanVsCli } from './lib/scan-vs-cli';
import { round, thousands } from './lib/stats';
import { renderTable, type Row } from './lib/table';

const ROOT = resolve(__dirname, '..');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const MOTO_10K = args.includes('--moto-10k');
const runsArg = args.indexOf('--runs');
const LOAD_RUNS = runsArg >= 0 ? Math.max(15, Number(args[runsArg + 1])) : QUICK ? 15 : 21;
const ESTATE = 1_000;
const BIG = QUICK ? 10_000 : 100_000;
const onlyArg = args.indexOf('--only');
const ONLY = onlyArg >= 0 ? args[onlyArg + 1] : undefined;
if (ONLY !== undefined && ONLY !== 'changes' && ONLY !== 'load') throw new Error(`--only takes changes or load, not ${ONLY}`);
/** The esbuild target of the measured bundles: the functions' default runtime (lib/bundling.ts), not this machine's node. */
const BUNDLE_TARGET = String((JSON.parse(readFileSync(join(ROOT, 'lib', 'esbuild-options.json'), 'utf8')) as { target: unknown }).target);
/** Sizes of the "evaluations recorded per sweep" rows. */
const CHANGE_SIZES = QUICK ? [1_000, 10_000] : [1_000, 10_000, 100_000];

// The SDK warns once per process that it will need node 22 from 2027; it is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** A test fixture event (test/fixtures), as AWS Config sends it. */
const fixtureEvent = (name: string): unknown => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', name), 'utf8'));
const plural = (n: number, word: string) => `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;
const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

function requireBuilt(): void {
  const missing = RULE_IDS.filter((id) => !existsSync(join(ROOT, 'dist', 'lambda', id, 'index.js')));
  if (missing.length > 0) throw new Error(`rule bundles missing (${missing.join(', ')}): run npm run build first`);
}

async function main(): Promise<void> {
  requireBuilt();
  const started = new Date();
  const machine = machineInfo();
  log(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${thousands(machine.totalMemoryMB)} MB, node ${machine.node}; bundles built for ${BUNDLE_TARGET}`);

  // 1. Bundle size and cold load time, beside an empty module and a Config-client-only bundle.
  log(`load times: ${LOAD_RUNS} fresh node processes per module`);
  const out = benchOutDir();
  const targets = [
    { name: 'baseline: empty module', file: writeEmptyModule(out) },
    { name: 'baseline: Config client only', file: await buildConfigClientBaseline(ROOT, out) },
    ...RULE_IDS.map((id) => ({ name: id, file: join(ROOT, 'dist', 'lambda', id, 'index.js') })),
  ];
  const loads = ONLY === 'changes' ? [] : await measureLoadTimes(targets, LOAD_RUNS);

  // 1b. Cold start of the change paths that only call PutEvaluations (EC2 / Auto Scaling load lazily),
  // beside the Config-client-only bundle sending one PutEvaluations: require + first invocation.
  let colds: ColdStart[] = [];
  if (ONLY !== 'changes') {
    log(`cold starts of the change paths: ${LOAD_RUNS} fresh node processes each`);
    const endpoint = await startSyntheticAws({ instances: 0 });
    try {
      colds = await measureColdStarts(
        [
          { name: 'baseline: Config client only, one PutEvaluations', file: targets[1].file, event: { resultToken: 'bench' } },
          { name: 'imdsv2-instance change (item carries metadata options)', file: join(ROOT, 'dist', 'lambda', 'imdsv2-instance', 'index.js'), event: fixtureEvent('instance-change-ok.json') },
          { name: 'imdsv2-launch-configuration change', file: join(ROOT, 'dist', 'lambda', 'imdsv2-launch-configuration', 'index.js'), event: fixtureEvent('launch-configuration-change-ok.json') },
        ],
        sdkEnv(endpoint),
        LOAD_RUNS,
      );
    } finally {
      await endpoint.stop();
    }
  }

  // 1c. Evaluations recorded per sweep: first, unchanged, 1% changed (synthetic endpoint keeping results as Config does).
  const changes: ChangedSweepRun[] = [];
  if (ONLY !== 'load') {
    for (const n of CHANGE_SIZES) {
      log(`evaluations per sweep at N=${thousands(n)}: first, unchanged, 1% changed (child node, no flags)`);
      changes.push(...(await changedSweeps(ROOT, n)));
    }
  }

  // 2. API calls per evaluation against moto, counted at the front.
  let moto: MotoServer | undefined;
  let pager: MotoPager | undefined;
  let front: Front | undefined;
  const counts: CallCount[] = [];
  let estateSeedMs = 0;
  let scan: ScanVsCli | undefined;
  let moto10kSeedMs: number | undefined;
  if (!ONLY) try {
    moto = await startLocalMoto();
    pager = await startMotoPager(moto.url);
    front = await startFront({ upstream: pager.url });
    log('change events, one per rule');
    counts.push(...(await changeEventCounts(moto, front)));
    log(`seeding ${ESTATE} instances, launch templates and launch configurations in moto`);
    estateSeedMs = (await seedEstate(moto, ESTATE)).seedMs;
    for (const rule of ['imdsv2-instance', 'imdsv2-launch-template', 'imdsv2-launch-configuration']) {
      log(`sweep ${rule} at N=${ESTATE}`);
      counts.push(...(await sweepCounts(front, rule, ESTATE)));
    }
    // 4. scan beside the awscli chain, on the same estate.
    log('scan vs awscli chain');
    front.reset();
    scan = await scanVsCli(ROOT, front, QUICK ? 1 : 3);
    if (MOTO_10K) {
      log('adding 9,000 instances to moto (reservations of 1,000)');
      const t = Date.now();
      await addInstances(moto, 9_000);
      moto10kSeedMs = Date.now() - t;
      log('sweep imdsv2-instance at N=10,000 in moto');
      counts.push(
        ...(await sweepCounts(front, 'imdsv2-instance', 10_000, 'moto pages DescribeInstances by reservation: 10 reservations of 1,000 are ONE page, so reads are fewer than AWS would need')),
      );
    }
  } finally {
    await front?.stop();
    await pager?.stop();
    await moto?.stop();
  }

  // 2b/3. Big sweeps against the synthetic endpoint, in a child node process.
  const big: BigSweep[] = [];
  let tenK: BigSweep | undefined;
  if (!ONLY) {
    log('sweep 10,000 synthetic instances (child node, no flags)');
    tenK = await bigSweep(ROOT, 10_000);
    counts.push({ ...tenK.counts, note: 'synthetic endpoint paging 1,000 instances a call, as EC2 does (10,000 in moto with real paging is too slow: see README)' });
    if (BIG !== 10_000) {
      log(`sweep ${thousands(BIG)} synthetic instances (child node, no flags)`);
      big.push(await bigSweep(ROOT, BIG));
    } else {
      big.push(tenK);
    }
    const bundle = join(ROOT, 'dist', 'lambda', 'imdsv2-instance', 'index.js');
    // 128 MB: the smallest Lambda; 256 MB: what the CDK construct deploys by default (lib/imdsv2-rule.ts).
    for (const memory of [128, 256]) {
      log(`sweep ${thousands(BIG)} synthetic instances (child node, Lambda ${memory} MB heap flags)`);
      big.push(await bigSweep(ROOT, BIG, lambdaNodeArgs(memory), bundle, memory));
    }
  }

  // Table
  const rows: Row[] = [];
  const baseline = loads.find((l) => l.name === 'baseline: Config client only')!;
  for (const [i, l] of (baseline ? loads : []).entries()) {
    const isBaseline = l.name.startsWith('baseline');
    rows.push({
      section: i === 0,
      cells: [
        i === 0 ? 'bundle load' : '',
        l.name,
        `${thousands(l.bytes)} B; require p50 ${l.requireMs.median} ms, p90 ${l.requireMs.p90} ms; process p50 ${l.processMs.median} ms, p90 ${l.processMs.p90} ms; +${l.rssAddedMB} MB RSS`,
        isBaseline ? '' : `Config-only: ${thousands(baseline.bytes)} B, ${baseline.requireMs.median} ms`,
        isBaseline ? '' : `${round(l.bytes / baseline.bytes, 2)}x size, ${round(l.requireMs.median / baseline.requireMs.median, 2)}x require`,
        i === 0 ? `median/p90 of ${l.runs} fresh node processes each` : '',
      ],
    });
  }
  const coldBase = colds[0];
  for (const [i, c] of colds.entries()) {
    const isBaseline = i === 0;
    rows.push({
      section: i === 0,
      cells: [
        i === 0 ? 'change-path cold start' : '',
        c.name,
        `require + first invocation p50 ${c.coldMs.median} ms (p90 ${c.coldMs.p90}), CPU p50 ${c.coldCpuMs.median} ms; require alone p50 ${c.requireMs.median} ms`,
        isBaseline ? '' : `Config-only: ${coldBase.coldMs.median} ms, CPU ${coldBase.coldCpuMs.median} ms, require ${coldBase.requireMs.median} ms`,
        isBaseline
          ? ''
          : `${round(c.coldMs.median / coldBase.coldMs.median, 2)}x cold, ${round(c.coldCpuMs.median / coldBase.coldCpuMs.median, 2)}x CPU, ${round(c.requireMs.median / coldBase.requireMs.median, 2)}x require`,
        i === 0 ? `goal: at most 1.3x; median of ${c.runs} fresh node processes each` : '',
      ],
    });
  }
  for (const [i, c] of changes.entries()) {
    rows.push({
      section: i === 0,
      cells: [
        i === 0 ? 'evaluations per sweep' : '',
        `imdsv2-instance N=${thousands(c.n)}, ${c.run} (synthetic, ${thousands(c.held)} results held)`,
        `${thousands(c.evaluations)} evaluations recorded; ${plural(c.counts.calls, 'call')} = ${thousands(c.counts.reads)} describes + ${thousands(c.counts.cleanupReads)} result reads + ${thousands(c.counts.puts)} PutEvaluations; wall ${round(c.wallMs / 1000, 1)} s, CPU ${round(c.cpuMs / 1000, 1)} s, peak RSS ${c.peakRssMB} MB`,
        `${thousands(c.counts.minimum)}`,
        `${c.counts.ratio}x`,
        c.run === 'first sweep' ? 'a re-send-everything sweep records N every run' : c.run === 'unchanged re-sweep' ? 'nothing changed: nothing recorded' : 'every hundredth instance flipped HttpTokens',
      ],
    });
  }
  const shown = counts.filter((c) => c.kind === 'change' || c.rule === 'imdsv2-account-defaults' || c.run !== 'first');
  for (const [i, c] of shown.entries()) {
    const parts = [plural(c.reads, 'read'), `${thousands(c.puts)} PutEvaluations`];
    if (c.cleanupReads) parts.push(plural(c.cleanupReads, 'result read'));
    const withoutCleanup = '';
    rows.push({
      section: i === 0,
      cells: [
        i === 0 ? 'API calls' : '',
        `${c.kind === 'change' ? 'change' : c.rule === 'imdsv2-account-defaults' ? 'periodic' : 'sweep'} ${c.rule}${c.kind === 'sweep' && c.rule !== 'imdsv2-account-defaults' ? ` N=${thousands(c.n)}` : ''} (${c.source})`,
        `${plural(c.calls, 'call')} = ${parts.join(' + ')}; ${round(c.calls / Math.max(1, c.evaluations), 3)} per evaluation`,
        `${thousands(c.minimum)}`,
        `${c.ratio}x${withoutCleanup}`,
        c.note ?? (c.kind === 'sweep' && c.run === 'steady' ? 'steady state: Config holds the last run\'s results' : ''),
      ],
    });
  }
  for (const [i, b] of big.entries()) {
    const memory = b.lambdaMemoryMB ?? 128;
    const flags = b.lambdaMemoryMB ? `node ${b.nodeArgs.join(' ')} (Lambda's ${memory} MB heap flags)` : 'node, no flags';
    const fits = b.peakRssMB <= memory;
    const cpuAt = (m: number) => `~${round(estimatedLambdaSeconds(b.cpuMs, m) / 60, 1)} min of CPU at ${m} MB`;
    rows.push({
      section: i === 0,
      cells: [
        i === 0 ? `sweep ${thousands(BIG)}` : '',
        `imdsv2-instance, synthetic endpoint, ${flags}`,
        `wall ${round(b.wallMs / 1000, 1)} s; CPU ${round(b.cpuMs / 1000, 1)} s = ${b.cpuUsPerEvaluation} us/evaluation; peak RSS ${b.peakRssMB} MB (anonymous ${b.peakAnonRssMB} MB; ${b.rssAfterLoadMB} MB after load)`,
        `${memory} MB`,
        `${round(b.peakRssMB / memory, 2)}x`,
        `${fits ? 'FITS' : 'does NOT fit'} ${memory} MB by peak RSS${!fits && b.peakAnonRssMB <= memory ? ` (anonymous RSS does)` : ''}; ${thousands(b.evaluationsDelivered)} delivered, ${b.duplicates} duplicates; ${thousands(b.counts.calls)} calls (${thousands(b.describeCalls)} DescribeInstances of ${thousands(b.pageSize)}) = ${b.counts.ratio}x the minimum; ${cpuAt(memory)}`,
      ],
    });
  }
  if (scan) {
    rows.push({
      section: true,
      cells: [
        'scan vs awscli',
        `${ESTATE} instances + ${ESTATE} launch templates + ${ESTATE} launch configurations (moto)`,
        scan.available ? `scan ${round(scan.scanMs! / 1000, 2)} s, ${thousands(scan.scanCalls!)} calls` : scan.reason!,
        `awscli chain ${round(scan.cliMs / 1000, 2)} s, ${scan.cliCalls} calls`,
        scan.available ? `${scan.ratio}x` : 'n/a',
        `median of ${scan.runs}; ${machine.awscli.split(' ')[0]}`,
      ],
    });
  }

  const table = renderTable(['section', 'case', 'measured', 'minimum / baseline', 'ratio', 'notes'], rows);
  const when = started.toISOString();
  process.stdout.write(
    `imdsv2-guard bench, ${when}\n` +
      `machine: ${machine.cpuModel}, ${machine.cores} cores, ${thousands(machine.totalMemoryMB)} MB RAM, ${machine.os}, node ${machine.node}, ${machine.moto}, load average at start ${machine.loadAverageAtStart.join(' ')}\n` +
      `bundles: esbuild target ${BUNDLE_TARGET} (the functions' default runtime), run here on node ${machine.node}\n\n` +
      `${table}\n\n` +
      'API calls are counted at the HTTP layer (the recording front before moto, or the synthetic endpoint). minimum = the\n' +
      'describes at the maximum page size + the reads of the results Config holds (GetComplianceDetailsByConfigRule, 100 a\n' +
      'call, at least one) + one PutEvaluations per 100 evaluations that had to be sent (formulas in bench/results.json).\n' +
      'The 10,000 and 100,000-instance sweeps run against a synthetic endpoint that pages AWS-shaped\n' +
      `instances (${thousands(tenK?.instanceXmlBytes ?? 0)} B of XML each) 1,000 a call, not moto. Peak RSS is process.resourceUsage().maxRSS of the\n` +
      'child node running the bundle; "anonymous" excludes the file-backed pages of the node binary.\n',
  );

  const results = {
    timestamp: when,
    durationS: Math.round((Date.now() - started.getTime()) / 1000),
    options: { quick: QUICK, moto10k: MOTO_10K, loadRuns: LOAD_RUNS, estate: ESTATE, big: BIG },
    machine,
    bundleTarget: BUNDLE_TARGET,
    loads: loads.map((l: LoadTime) => ({ ...l, file: l.file.startsWith(ROOT) ? l.file.slice(ROOT.length + 1) : l.file })),
    apiCalls: counts,
    estateSeedMs,
    moto10kSeedMs,
    bigSweeps: big.map(({ child, ...rest }) => ({ ...rest, child: { ...child } })),
    tenThousandSynthetic: tenK ? (({ child, ...rest }) => rest)(tenK) : undefined,
    coldStarts: colds,
    evaluationsPerSweep: changes.map(({ counts: c, ...rest }) => ({ ...rest, calls: c.calls, byOperation: c.byOperation, minimum: c.minimum, minimumFormula: c.minimumFormula, ratio: c.ratio })),
    scanVsCli: scan,
    table,
  };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(`done in ${results.durationS} s; wrote bench/results.json`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
