'use strict';
// Runs one rule bundle's handler in a fresh, plain `node` process (no tsx, no jest, no
// --max-old-space-size), as the Lambda runtime would, and reports on fd 3 what it cost this process:
// wall and CPU time of the invocation, peak RSS (process.resourceUsage().maxRSS), and what the
// handler returned. Usage: node run-handler-child.cjs <job.json>
//   job: { bundle: string, event: object, budgetMs: number }
// The SDK settings (AWS_ENDPOINT_URL, region, credentials) come from the environment.
const { readFileSync, writeSync } = require('node:fs');

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const report = (value) => {
  writeSync(3, JSON.stringify(value));
};

const rssAtStartKB = Math.round(process.memoryUsage().rss / 1024);
const loadStart = process.hrtime.bigint();
const bundle = require(job.bundle);
const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
const rssAfterLoadKB = Math.round(process.memoryUsage().rss / 1024);

// A Lambda context whose remaining time runs down with the real clock from job.budgetMs.
const started = Date.now();
const context = {
  functionName: 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => job.budgetMs - (Date.now() - started),
  done() {},
  fail() {},
  succeed() {},
};

// Sampled too, to show the curve; the peak reported is the kernel's maxRSS, which misses nothing.
// Anonymous (not file-backed) resident memory, Linux only: what the kernel cannot reclaim by dropping
// pages of the node binary, so the part of RSS a memory limit really has to hold.
const rssAnonKB = () => {
  try {
    const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
};
let peakAnonKB = 0;
let sampledPeakKB = 0;
let atPeak = {};
// One sample every half second, to show where in the run memory peaks.
const series = [];
let lastSeriesAt = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  const rssKB = Math.round(m.rss / 1024);
  const anonKB = rssAnonKB() ?? 0;
  peakAnonKB = Math.max(peakAnonKB, anonKB);
  const at = Date.now() - started;
  if (at - lastSeriesAt >= 500) {
    lastSeriesAt = at;
    series.push({ ms: at, rssKB, anonKB, heapTotalKB: Math.round(m.heapTotal / 1024), heapUsedKB: Math.round(m.heapUsed / 1024), externalKB: Math.round(m.external / 1024) });
  }
  if (rssKB > sampledPeakKB) {
    sampledPeakKB = rssKB;
    atPeak = {
      heapTotalKB: Math.round(m.heapTotal / 1024),
      heapUsedKB: Math.round(m.heapUsed / 1024),
      externalKB: Math.round(m.external / 1024),
      arrayBuffersKB: Math.round(m.arrayBuffers / 1024),
    };
  }
}, 25);

const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
Promise.resolve(bundle.handler(job.event, context)).then(
  (result) => {
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    const usage = process.resourceUsage();
    const mem = process.memoryUsage();
    const returned = Array.isArray(result)
      ? { kind: 'array', length: result.length }
      : result && typeof result === 'object'
        ? { kind: 'object', keys: Object.keys(result) }
        : { kind: typeof result };
    report({
      ok: true,
      loadMs,
      wallMs,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      maxRssKB: usage.maxRSS,
      sampledPeakKB,
      sampledPeakAnonKB: peakAnonKB,
      atPeak,
      rssAtStartKB,
      rssAfterLoadKB,
      heapUsedAtEndKB: Math.round(mem.heapUsed / 1024),
      returned,
      series,
    });
    process.exit(0);
  },
  (error) => {
    clearInterval(sampler);
    report({ ok: false, error: String((error && error.stack) || error), maxRssKB: process.resourceUsage().maxRSS });
    process.exit(1);
  },
);
