// Keeps `npm run bench`'s sweep machinery honest without measuring anything (performance is measured
// by the bench, not asserted here): the built instance bundle runs in a child node with Lambda's heap
// flags and AWS_LAMBDA_FUNCTION_MEMORY_SIZE, against the synthetic endpoint, and the report says
// what the endpoint saw.
import { resolve } from 'node:path';
import { bigSweep, lambdaNodeArgs } from '../../bench/lib/big-sweep';

const ROOT = resolve(__dirname, '../..');
const N = 2_500;

test('as a 128 MB function: 200 instances a call, every evaluation delivered once, the first 1,000 returned', async () => {
  const b = await bigSweep(ROOT, N, lambdaNodeArgs(128), undefined, 128);
  expect(b.nodeArgs).toEqual(['--max-semi-space-size=6', '--max-old-space-size=116']);
  expect(b.pageSize).toBe(200);
  expect(b.describeCalls).toBe(Math.ceil(N / 200));
  expect([b.evaluationsDelivered, b.duplicates]).toEqual([N, 0]);
  expect(b.returnedByHandler).toBe(1_000);
  expect(b.counts.ratio).toBeGreaterThan(1);
  expect(b.peakRssMB).toBeGreaterThan(b.rssAfterLoadMB - 1);
});

test('outside Lambda (no memory size): 1,000 instances a call and every evaluation returned', async () => {
  const b = await bigSweep(ROOT, N);
  expect(b.pageSize).toBe(1_000);
  expect(b.describeCalls).toBe(Math.ceil(N / 1_000));
  expect([b.evaluationsDelivered, b.duplicates]).toEqual([N, 0]);
  expect(b.returnedByHandler).toBe(N);
});
