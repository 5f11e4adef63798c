import type { Context } from 'aws-lambda';
import { handler } from '../../lambda/rules/imdsv2-instance/handler';
import { sdkEnv, startMoto, withEnv, type MotoServer } from '../integration/harness';
import { fixture } from './support';

/**
 * The deployed handler (default clients and logger) against moto, twice in one execution
 * environment, the way Lambda reuses it: each JSON line it writes names its own invocation.
 */

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

function lambdaContext(awsRequestId: string): Context {
  return {
    awsRequestId,
    functionName: 'imdsv2-instance',
    functionVersion: '$LATEST',
    memoryLimitInMB: '256',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:imdsv2-instance',
    logGroupName: '/aws/lambda/imdsv2-instance',
    logStreamName: '2026/12/02/[$LATEST]0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What the handler writes to stdout while `fn` runs, as parsed JSON lines. */
async function stdoutLines(fn: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('Compliance: the first invocation logs cold_start true, the second false, each line with its own request id and the function', async () => {
  // Prepare: a deleted instance (NOT_APPLICABLE, no EC2 read) sent in test mode, which moto records.
  const event = { ...fixture('instance-change-deleted.json'), resultToken: 'TESTMODE' };
  // Lambda sets AWS_LAMBDA_INITIALIZATION_TYPE; POWERTOOLS_DEV would send lines to jest's console instead.
  const env = { ...sdkEnv(moto), AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', POWERTOOLS_DEV: undefined, LOG_LEVEL: 'INFO' };

  // Act
  const lines = await stdoutLines(() =>
    withEnv(env, async () => {
      await handler(event, lambdaContext('request-one'));
      await handler(event, lambdaContext('request-two'));
    }),
  );

  // Assess
  const first = lines.filter((l) => l.function_request_id === 'request-one');
  const second = lines.filter((l) => l.function_request_id === 'request-two');
  expect(first.length).toBeGreaterThan(0);
  expect(second.length).toBeGreaterThan(0);
  expect(first.length + second.length).toBe(lines.length); // no line without its invocation
  for (const l of first) expect(l).toMatchObject({ cold_start: true, function_name: 'imdsv2-instance', function_memory_size: '256', message: expect.any(String) });
  for (const l of second) expect(l).toMatchObject({ cold_start: false, function_name: 'imdsv2-instance', function_memory_size: '256' });
  expect(first[0]).toMatchObject({ message: 'evaluations sent', notApplicable: 1, testMode: true });
});
