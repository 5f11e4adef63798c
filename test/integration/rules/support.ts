// Shared by the rule integration tests: one moto and one recording front per test file, the REAL
// bundles (dist/lambda/<id>/index.js) invoked as AWS Config invokes them, and the checks every
// invocation must pass (what the handler returns is exactly what reached PutEvaluations).
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  EC2Client,
  type LaunchTemplateInstanceMetadataOptionsRequest,
} from '@aws-sdk/client-ec2';
import type { Evaluation } from '../../../lambda/kit/evaluation-sink';
import {
  loadBundle,
  sdkEnv,
  startFront,
  startMoto,
  withEnv,
  type CallRecord,
  type ConfigRuleEvent,
  type Front,
  type MotoServer,
  type PutEvaluationsRecord,
  type RecordedEvaluation,
} from '../harness';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '123456789012'; // moto's default account
export const AMI = 'ami-12c6146b'; // one of moto's built-in AMIs
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Whole seconds: PutEvaluations carries epoch seconds, so a millisecond part could round on the way. */
export const CAPTURE_TIME = '2026-02-03T04:05:06.000Z';
export const NOTIFICATION_TIME = '2026-02-03T05:00:00.000Z';

/** The test file's emulator, front and SDK clients (pointed at the front), set up by `useMotoSuite`. */
export interface Suite {
  moto: MotoServer;
  front: Front;
  ec2: EC2Client;
  autoscaling: AutoScalingClient;
  /** Straight to moto, for bulk set-up the front need not see. */
  motoEc2: EC2Client;
}

/** Registers the hooks: moto and the front once per file; both emptied before every test. */
export function useMotoSuite(): Suite {
  const suite = {} as Suite;
  beforeAll(async () => {
    suite.moto = await startMoto();
    suite.front = await startFront({ upstream: suite.moto.url });
    const settings = { region: REGION, credentials, maxAttempts: 2 };
    suite.ec2 = new EC2Client({ ...settings, endpoint: suite.front.url });
    suite.autoscaling = new AutoScalingClient({ ...settings, endpoint: suite.front.url });
    suite.motoEc2 = new EC2Client({ ...settings, endpoint: suite.moto.url });
  }, 60_000);
  afterAll(async () => {
    for (const client of [suite.ec2, suite.autoscaling, suite.motoEc2]) client?.destroy();
    await suite.front?.stop();
    await suite.moto?.stop();
  });
  beforeEach(async () => {
    await suite.moto.reset();
    suite.front.reset();
  });
  return suite;
}

/** One handler invocation: what it returned, and what the front saw while it ran. */
export interface Invocation {
  readonly returned: Evaluation[];
  /** PutEvaluations calls the front recorded during the invocation. */
  readonly puts: readonly PutEvaluationsRecord[];
  /** Every request the bundle made (the test's own clients are idle meanwhile). */
  readonly calls: readonly CallRecord[];
}

/** A Lambda context with plenty of time left, as Lambda passes it. */
function lambdaContext(id: string) {
  return {
    functionName: id,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${id}`,
    memoryLimitInMB: '256',
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    logGroupName: `/aws/lambda/${id}`,
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 600_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Loads the deployed bundle afresh under the SDK environment that points it at the front, and
 * invokes its handler with the event. The event's token is filed under its rule name first.
 */
async function run(front: Front, id: string, event: ConfigRuleEvent | unknown, region: string): Promise<unknown> {
  front.config.registerEvent(event as ConfigRuleEvent);
  // The bundles log JSON lines through Powertools; keep the test output readable.
  const env = { ...sdkEnv(front, region), POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  // IMDSV2_GUARD_BUNDLE_DIR points the tests at other bundles (e.g. deliberately broken copies, to
  // check that these tests fail) without touching dist/.
  const bundleDir = process.env.IMDSV2_GUARD_BUNDLE_DIR || undefined;
  return withEnv(env, () => loadBundle(id, { bundleDir }).handler(event, lambdaContext(id)));
}

export async function invoke(
  front: Front,
  id: string,
  event: ConfigRuleEvent,
  options: { readonly region?: string } = {},
): Promise<Invocation> {
  const callsBefore = front.calls.length;
  const putsBefore = front.config.puts.length;
  const returned = (await run(front, id, event, options.region ?? REGION)) as Evaluation[];
  return { returned, puts: front.config.puts.slice(putsBefore), calls: front.calls.slice(callsBefore) };
}

/** Invokes a handler that must throw; returns the error and asserts nothing reached PutEvaluations. */
export async function invokeFailing(front: Front, id: string, event: unknown): Promise<Error & { code?: string }> {
  const putsBefore = front.config.puts.length;
  const callsBefore = front.calls.length;
  const error = await run(front, id, event, REGION).then(
    (value) => {
      throw new Error(`the handler was expected to throw but returned ${JSON.stringify(value)}`);
    },
    (e: unknown) => e as Error & { code?: string },
  );
  expect(front.config.puts.slice(putsBefore)).toEqual([]);
  expect(front.calls.slice(callsBefore).filter((c) => c.operation === 'PutEvaluations')).toEqual([]);
  return error;
}

const evaluationKey = (e: { ComplianceResourceType: string; ComplianceResourceId: string }) =>
  `${e.ComplianceResourceType} ${e.ComplianceResourceId}`;

interface Comparable {
  readonly type: string;
  readonly id: string;
  readonly compliance: string;
  readonly annotation: string | undefined;
}
const comparable = (e: Evaluation | RecordedEvaluation): Comparable => ({
  type: e.ComplianceResourceType,
  id: e.ComplianceResourceId,
  compliance: e.ComplianceType,
  annotation: e.Annotation === '' ? undefined : e.Annotation,
});

/**
 * The contract of every invocation: the front recorded exactly the evaluations the handler
 * returned (same order, same annotations and timestamps), in as few calls of at most 100 as
 * possible, each accepted, in the expected mode, and no resource evaluated twice.
 */
export function expectSentAsReturned(inv: Invocation, options: { readonly testMode?: boolean } = {}): void {
  const { returned, puts } = inv;
  expect(Array.isArray(returned)).toBe(true);
  const recorded = puts.flatMap((p) => p.evaluations);
  expect(recorded.map(comparable)).toEqual(returned.map(comparable));
  // Epoch seconds on the wire: allow the last millisecond to round.
  recorded.forEach((e, i) => expect(Math.abs(e.OrderingTimestamp.getTime() - returned[i].OrderingTimestamp.getTime())).toBeLessThanOrEqual(1));
  expect(puts.length).toBe(Math.ceil(returned.length / 100));
  expect(inv.calls.filter((c) => c.operation === 'PutEvaluations').length).toBe(puts.length);
  for (const put of puts) {
    expect(put.evaluations.length).toBeGreaterThan(0);
    expect(put.evaluations.length).toBeLessThanOrEqual(100);
    expect(put.failed).toEqual([]);
    expect(put.testMode).toBe(options.testMode ?? false);
  }
  const keys = returned.map(evaluationKey);
  expect(new Set(keys).size).toBe(keys.length);
  for (const e of returned) expect(e.Annotation.length).toBeLessThanOrEqual(256);
}

/** Runs the contract checks and returns the one evaluation an invocation must have produced. */
export function single(inv: Invocation, options: { readonly testMode?: boolean } = {}): Evaluation {
  expectSentAsReturned(inv, options);
  expect(inv.returned).toHaveLength(1);
  return inv.returned[0];
}

/** The returned evaluations by resource id (after the contract checks). */
export function byId(inv: Invocation): Map<string, Evaluation> {
  expectSentAsReturned(inv);
  return new Map(inv.returned.map((e) => [e.ComplianceResourceId, e]));
}

/** Calls the bundle made to a service (e.g. `ec2`, `autoscaling`, `config`). */
export const callsTo = (inv: Invocation, service: string): CallRecord[] => inv.calls.filter((c) => c.service === service);

/** Instant of an ISO string, for comparing OrderingTimestamps. */
export const at = (iso: string): Date => new Date(iso);

export const tagList = (tags: Readonly<Record<string, string>>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** A launch template version's MetadataOptions; `undefined` makes a version with none at all. */
export type VersionOptions = LaunchTemplateInstanceMetadataOptionsRequest | undefined;

/**
 * Creates a launch template with one version per entry (v1, v2, …); the default stays v1. moto's
 * CreateLaunchTemplateVersion ignores SourceVersion, so every version is sent with its full data.
 */
export async function createTemplate(
  ec2: EC2Client,
  name: string,
  versions: readonly VersionOptions[],
  tags: Readonly<Record<string, string>> = {},
): Promise<string> {
  const data = (metadata: VersionOptions) => ({ ImageId: AMI, InstanceType: 't3.micro' as const, ...(metadata ? { MetadataOptions: metadata } : {}) });
  const created = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: data(versions[0]),
      TagSpecifications: Object.keys(tags).length ? [{ ResourceType: 'launch-template', Tags: tagList(tags) }] : undefined,
    }),
  );
  const id = created.LaunchTemplate!.LaunchTemplateId!;
  for (const metadata of versions.slice(1)) {
    await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, LaunchTemplateData: data(metadata) }));
  }
  return id;
}

export const REQUIRED = { HttpTokens: 'required', HttpEndpoint: 'enabled' } as const;
export const OPTIONAL = { HttpTokens: 'optional', HttpEndpoint: 'enabled' } as const;
