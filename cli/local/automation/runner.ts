import { randomUUID } from 'node:crypto';
import type { AutomationDocument, OutputSpec, ParameterSpec, Step } from './document';
import type { ApiCaller } from './aws-api';
import { interpolate, references, type Resolver } from './interpolate';
import { select } from './selector';
import { asText, convert } from './values';

/**
 * A local runner for SSM Automation documents: what Automation would do with the steps our
 * documents use, against real AWS SDK v3 calls (pointed at moto in the tests and in `npm run demo`).
 *
 * Semantics follow the Automation documentation: parameters get their defaults, types,
 * allowedPattern and allowedValues checked before the first step; `{{ }}` references resolve to
 * parameters, earlier outputs and built-ins; steps run in order unless `nextStep`, `isEnd`,
 * `aws:branch` or `onFailure` say otherwise; `maxAttempts` retries a failed step.
 * Not modelled: assuming `assumeRole` (the SDK uses the caller's credentials), real time (waits
 * advance a virtual clock by `pollSeconds` a poll), and any action our documents do not use.
 *
 * One behaviour of the service is assumed rather than documented: an aws:invokeLambdaFunction step
 * fails when the function reports an error (`FunctionError`). `functionErrorFailsStep: false` runs
 * the opposite assumption, so tests can show the documents stay safe either way.
 */

export type LambdaFunction = (event: unknown) => Promise<unknown>;
export type StandIn = (input: Record<string, unknown>) => Promise<unknown>;

export interface RunOptions {
  /** Execution parameters, as given to StartAutomationExecution (values or their string forms). */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Performs Service/Api calls; the tests and the demo use SdkApiCaller pointed at moto. */
  readonly callApi: ApiCaller;
  /** Functions aws:invokeLambdaFunction may call, by name (an ARN is matched by its last segment). */
  readonly lambdas?: Readonly<Record<string, LambdaFunction>>;
  /** Answers for `service:Api` pairs the emulator lacks, used instead of callApi (recorded as such). */
  readonly standIns?: Readonly<Record<string, StandIn>>;
  readonly region?: string;
  readonly accountId?: string;
  readonly partition?: string;
  readonly documentName?: string;
  /** Virtual seconds between two polls of aws:waitForAwsResourceProperty. @default 5 */
  readonly pollSeconds?: number;
  /** Real pause between two polls (ms). @default 0 */
  readonly pollDelayMs?: number;
  /** @default true: a function error fails the aws:invokeLambdaFunction step */
  readonly functionErrorFailsStep?: boolean;
  /** Guards against documents that loop forever. @default 500 */
  readonly maxStepExecutions?: number;
}

export type StepStatus = 'Success' | 'Failed';

export interface StepRecord {
  readonly name: string;
  readonly action: string;
  readonly status: StepStatus;
  readonly attempts: number;
  /** The step's inputs after interpolation (last attempt). */
  readonly inputs?: unknown;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly failureMessage?: string;
  /** aws:branch: the step chosen. */
  readonly next?: string;
}

export interface ApiCallRecord {
  readonly step: string;
  readonly service: string;
  readonly api: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly answeredBy: 'api' | 'stand-in';
}

export interface RunResult {
  readonly status: 'Success' | 'Failed';
  readonly executionId: string;
  readonly steps: readonly StepRecord[];
  readonly failedStep?: string;
  readonly failureMessage?: string;
  /** The document's top-level outputs that have a value. */
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly apiCalls: readonly ApiCallRecord[];
  /** Names of the steps run, in order (a step run twice appears twice). */
  readonly path: readonly string[];
}

/** The document or the execution parameters are invalid: Automation would refuse to start. */
export class AutomationInputError extends Error {}

/** A step failed; the message is what the execution would show. */
class StepFailure extends Error {}

const SUPPORTED_ACTIONS = new Set([
  'aws:executeAwsApi',
  'aws:assertAwsResourceProperty',
  'aws:waitForAwsResourceProperty',
  'aws:branch',
  'aws:invokeLambdaFunction',
  'aws:sleep',
]);

/** Predefined outputs of aws:invokeLambdaFunction. */
const LAMBDA_OUTPUTS = ['StatusCode', 'FunctionError', 'LogResult', 'Payload'];

const BUILT_INS = ['global:ACCOUNT_ID', 'global:REGION', 'global:AWS_PARTITION', 'global:DATE', 'global:DATE_TIME', 'automation:EXECUTION_ID', 'automation:DOCUMENT_NAME'];

const STRING_OPS = ['StringEquals', 'EqualsIgnoreCase', 'StartsWith', 'EndsWith', 'Contains'];
const NUMERIC_OPS = ['NumericEquals', 'NumericGreater', 'NumericLesser', 'NumericGreaterOrEquals', 'NumericLesserOrEquals'];
const CHOICE_OPS = [...STRING_OPS, ...NUMERIC_OPS, 'BooleanEquals'];

const truthy = (v: boolean | string | undefined): boolean => v === true || v === 'true';

/** The outputs a step defines, by name. */
function stepOutputNames(step: Step): string[] {
  const own = (step.outputs ?? []).map((o) => o.Name);
  return step.action === 'aws:invokeLambdaFunction' ? [...LAMBDA_OUTPUTS, ...own] : own;
}

function choiceTargets(choice: Record<string, unknown>): string[] {
  return typeof choice.NextStep === 'string' ? [choice.NextStep] : [];
}

/**
 * Static checks Automation makes when a document is created (and a few it makes at run time),
 * returned as a list of problems: the schema test reports them for every document.
 */
export function checkDocument(doc: AutomationDocument): string[] {
  const problems: string[] = [];
  if (doc.schemaVersion !== '0.3') problems.push(`schemaVersion must be '0.3', got ${JSON.stringify(doc.schemaVersion)}`);
  const steps = doc.mainSteps ?? [];
  if (steps.length === 0) problems.push('mainSteps is empty');
  const names = new Set<string>();
  for (const s of steps) {
    if (names.has(s.name)) problems.push(`step name ${s.name} is used twice`);
    names.add(s.name);
  }
  const params = new Set(Object.keys(doc.parameters ?? {}));
  const outputsByStep = new Map(steps.map((s) => [s.name, new Set(stepOutputNames(s))]));
  const target = (from: string, to: unknown, what: string) => {
    if (typeof to !== 'string' || !names.has(to)) problems.push(`${from}: ${what} ${JSON.stringify(to)} is not a step`);
  };
  const checkRefs = (where: string, value: unknown, before: ReadonlySet<string>) => {
    for (const ref of references(value)) {
      if (params.has(ref) || BUILT_INS.includes(ref)) continue;
      const [stepName, output, ...rest] = ref.split('.');
      if (rest.length === 0 && output !== undefined && outputsByStep.get(stepName)?.has(output)) {
        if (!before.has(stepName)) problems.push(`${where}: {{ ${ref} }} refers to a step that does not run earlier`);
        continue;
      }
      problems.push(`${where}: {{ ${ref} }} is not a parameter, a step output or a built-in`);
    }
  };
  checkRefs('assumeRole', doc.assumeRole, new Set());
  const earlier = new Set<string>();
  for (const s of steps) {
    if (!SUPPORTED_ACTIONS.has(s.action)) problems.push(`${s.name}: action ${s.action} is not supported by the runner`);
    if (s.nextStep !== undefined) target(s.name, s.nextStep, 'nextStep');
    if (s.onFailure && s.onFailure.startsWith('step:')) target(s.name, s.onFailure.slice(5), 'onFailure');
    else if (s.onFailure && !['Abort', 'Continue'].includes(s.onFailure)) problems.push(`${s.name}: onFailure ${s.onFailure} is invalid`);
    checkRefs(s.name, s.inputs, earlier);
    if (s.action === 'aws:branch') {
      const choices = (s.inputs.Choices ?? []) as Array<Record<string, unknown>>;
      if (!Array.isArray(choices) || choices.length === 0) problems.push(`${s.name}: aws:branch needs Choices`);
      for (const c of Array.isArray(choices) ? choices : []) {
        for (const t of choiceTargets(c)) target(s.name, t, 'NextStep');
        if (typeof c.NextStep !== 'string') problems.push(`${s.name}: a choice has no NextStep`);
        const ops = Object.keys(c).filter((k) => CHOICE_OPS.includes(k) || ['And', 'Or', 'Not'].includes(k));
        if (ops.length !== 1) problems.push(`${s.name}: a choice must have exactly one operator, has ${ops.join(', ') || 'none'}`);
      }
      if (s.inputs.Default !== undefined) target(s.name, s.inputs.Default, 'Default');
      if (s.outputs?.length) problems.push(`${s.name}: aws:branch has no outputs`);
    }
    if (s.action === 'aws:invokeLambdaFunction') {
      const extra = Object.keys(s.inputs).filter((k) => !['FunctionName', 'Payload', 'InvocationType', 'LogType', 'Qualifier'].includes(k));
      if (extra.length) problems.push(`${s.name}: inputs ${extra.join(', ')} are not supported by the runner`);
      // What a selector over a Lambda payload sees is not documented; our documents only read Payload whole.
      if (s.outputs?.length) problems.push(`${s.name}: user-defined outputs on aws:invokeLambdaFunction are not supported`);
    }
    if (['aws:executeAwsApi', 'aws:assertAwsResourceProperty', 'aws:waitForAwsResourceProperty'].includes(s.action)) {
      if (typeof s.inputs.Service !== 'string' || typeof s.inputs.Api !== 'string') problems.push(`${s.name}: Service and Api are required`);
      if (s.action !== 'aws:executeAwsApi') {
        if (typeof s.inputs.PropertySelector !== 'string') problems.push(`${s.name}: PropertySelector is required`);
        if (!Array.isArray(s.inputs.DesiredValues) || s.inputs.DesiredValues.length === 0) problems.push(`${s.name}: DesiredValues must be a non-empty list`);
        if (s.outputs?.length) problems.push(`${s.name}: ${s.action} has no outputs`);
      }
    }
    earlier.add(s.name);
  }
  for (const o of doc.outputs ?? []) {
    const [stepName, output] = o.split('.');
    if (!outputsByStep.get(stepName)?.has(output)) problems.push(`outputs: ${o} is not a step output`);
  }
  return problems;
}

/** Execution parameters with defaults applied, converted to their types and validated. */
export function resolveParameters(
  specs: Readonly<Record<string, ParameterSpec>>,
  given: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const unknown = Object.keys(given).filter((k) => !Object.prototype.hasOwnProperty.call(specs, k));
  if (unknown.length > 0) throw new AutomationInputError(`Unknown parameter(s): ${unknown.join(', ')}`);
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = given[name] !== undefined ? given[name] : spec.default;
    if (raw === undefined) throw new AutomationInputError(`Parameter ${name} is required`);
    let value: unknown;
    try {
      value = convert(raw, spec.type, `Parameter ${name}`);
    } catch (e) {
      throw new AutomationInputError((e as Error).message);
    }
    if (spec.allowedPattern !== undefined) {
      const pattern = new RegExp(spec.allowedPattern);
      const texts = Array.isArray(value) ? value.map(asText) : [asText(value)];
      const bad = texts.find((t) => !pattern.test(t));
      if (bad !== undefined) throw new AutomationInputError(`Parameter ${name}: "${bad}" does not match allowedPattern ${spec.allowedPattern}`);
    }
    if (spec.allowedValues !== undefined && !spec.allowedValues.some((a) => asText(a) === asText(value))) {
      throw new AutomationInputError(`Parameter ${name}: ${asText(value)} is not one of the allowedValues`);
    }
    out[name] = value;
  }
  return out;
}

/** How Automation compares a selected value with DesiredValues: as text, Booleans as True/False. */
function matchesDesired(actual: unknown, desired: readonly unknown[]): boolean {
  if (actual === undefined || actual === null) return false;
  return desired.some((d) => {
    if (typeof actual === 'boolean') return asText(d).toLowerCase() === String(actual);
    return asText(d) === asText(actual);
  });
}

function evaluateCondition(c: Record<string, unknown>, value: (ref: unknown) => unknown, step: string): boolean {
  if (c.And !== undefined) return (c.And as Array<Record<string, unknown>>).every((x) => evaluateCondition(x, value, step));
  if (c.Or !== undefined) return (c.Or as Array<Record<string, unknown>>).some((x) => evaluateCondition(x, value, step));
  if (c.Not !== undefined) return !evaluateCondition(c.Not as Record<string, unknown>, value, step);
  const op = CHOICE_OPS.find((o) => c[o] !== undefined);
  if (!op) throw new StepFailure(`${step}: a choice has no operator`);
  const v = value(c.Variable);
  const expected = c[op];
  if (STRING_OPS.includes(op)) {
    const a = asText(v);
    const e = asText(expected);
    switch (op) {
      case 'StringEquals':
        return a === e;
      case 'EqualsIgnoreCase':
        return a.toLowerCase() === e.toLowerCase();
      case 'StartsWith':
        return a.startsWith(e);
      case 'EndsWith':
        return a.endsWith(e);
      default:
        return a.includes(e);
    }
  }
  if (op === 'BooleanEquals') {
    return (convert(v, 'Boolean', `${step} Variable`) as boolean) === (convert(expected, 'Boolean', `${step} ${op}`) as boolean);
  }
  const a = Number(v);
  const e = Number(expected);
  if (!Number.isFinite(a) || !Number.isFinite(e)) throw new StepFailure(`${step}: ${op} needs numbers, got ${asText(v)} and ${asText(expected)}`);
  switch (op) {
    case 'NumericEquals':
      return a === e;
    case 'NumericGreater':
      return a > e;
    case 'NumericLesser':
      return a < e;
    case 'NumericGreaterOrEquals':
      return a >= e;
    default:
      return a <= e;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a document to the end (or to its first unhandled failure) and reports what happened. */
export async function runAutomation(doc: AutomationDocument, options: RunOptions): Promise<RunResult> {
  const problems = checkDocument(doc);
  if (problems.length > 0) throw new AutomationInputError(`The document is invalid:\n- ${problems.join('\n- ')}`);
  const params = resolveParameters(doc.parameters ?? {}, options.parameters ?? {});
  const executionId = randomUUID();
  const now = new Date();
  const builtIns: Record<string, unknown> = {
    'global:ACCOUNT_ID': options.accountId ?? '123456789012',
    'global:REGION': options.region ?? 'us-east-1',
    'global:AWS_PARTITION': options.partition ?? 'aws',
    'global:DATE': now.toISOString().slice(0, 10),
    'global:DATE_TIME': now.toISOString().slice(0, 19).replace('T', '_').replace(/:/g, '.'),
    'automation:EXECUTION_ID': executionId,
    'automation:DOCUMENT_NAME': options.documentName ?? 'local-document',
  };
  const outputs: Record<string, unknown> = {};
  const resolve: Resolver = (name) => {
    if (Object.prototype.hasOwnProperty.call(params, name)) return { found: true, value: params[name] };
    if (Object.prototype.hasOwnProperty.call(builtIns, name)) return { found: true, value: builtIns[name] };
    if (Object.prototype.hasOwnProperty.call(outputs, name)) return { found: true, value: outputs[name] };
    return { found: false };
  };
  interpolate(doc.assumeRole ?? '', resolve);

  const records: StepRecord[] = [];
  const apiCalls: ApiCallRecord[] = [];
  const path: string[] = [];
  const steps = doc.mainSteps;
  const indexOf = new Map(steps.map((s, i) => [s.name, i]));
  const pollSeconds = options.pollSeconds ?? 5;
  const failOnFunctionError = options.functionErrorFailsStep ?? true;
  let criticalFailure: { step: string; message: string } | undefined;

  const call = async (step: string, inputs: Record<string, unknown>, drop: readonly string[]): Promise<unknown> => {
    const { Service, Api, ...rest } = inputs;
    const service = String(Service);
    const api = String(Api);
    const input = Object.fromEntries(Object.entries(rest).filter(([k]) => !drop.includes(k)));
    const standIn = options.standIns?.[`${service}:${api}`];
    apiCalls.push({ step, service, api, input, answeredBy: standIn ? 'stand-in' : 'api' });
    try {
      return standIn ? await standIn(input) : await options.callApi(service, api, input);
    } catch (e) {
      const err = e as Error;
      throw new StepFailure(`${service}.${api} failed: ${err.name}: ${err.message}`);
    }
  };

  const selectOutputs = (step: string, specs: readonly OutputSpec[], response: unknown): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const spec of specs) {
      const value = select(response, spec.Selector);
      if (value === undefined || value === null) throw new StepFailure(`${step}: output ${spec.Name}: selector ${spec.Selector} matched nothing`);
      try {
        out[spec.Name] = convert(value, spec.Type ?? 'String', `${step} output ${spec.Name}`);
      } catch (e) {
        throw new StepFailure((e as Error).message);
      }
    }
    return out;
  };

  /** Runs one attempt; returns outputs and (for branches) the chosen step. */
  const attempt = async (step: Step): Promise<{ inputs: unknown; outputs: Record<string, unknown>; next?: string }> => {
    let inputs: Record<string, unknown>;
    try {
      inputs = step.action === 'aws:branch' ? step.inputs : (interpolate(step.inputs, resolve) as Record<string, unknown>);
    } catch (e) {
      throw new StepFailure(`${step.name}: ${(e as Error).message}`);
    }
    switch (step.action) {
      case 'aws:executeAwsApi': {
        const response = await call(step.name, inputs, []);
        return { inputs, outputs: selectOutputs(step.name, step.outputs ?? [], response) };
      }
      case 'aws:assertAwsResourceProperty': {
        const desired = inputs.DesiredValues as unknown[];
        const response = await call(step.name, inputs, ['PropertySelector', 'DesiredValues']);
        const actual = select(response, String(inputs.PropertySelector));
        if (!matchesDesired(actual, desired)) {
          throw new StepFailure(
            `${step.name}: expected ${String(inputs.PropertySelector)} to be one of [${desired.map(asText).join(', ')}] but it is ${actual === undefined ? 'absent' : asText(actual)}`,
          );
        }
        return { inputs, outputs: {} };
      }
      case 'aws:waitForAwsResourceProperty': {
        const desired = inputs.DesiredValues as unknown[];
        const timeout = Number(step.timeoutSeconds ?? 3600);
        let waited = 0;
        for (;;) {
          const response = await call(step.name, inputs, ['PropertySelector', 'DesiredValues']);
          const actual = select(response, String(inputs.PropertySelector));
          if (matchesDesired(actual, desired)) return { inputs, outputs: {} };
          if (waited + pollSeconds > timeout) {
            throw new StepFailure(
              `${step.name}: timed out after ${timeout}s waiting for ${String(inputs.PropertySelector)} in [${desired.map(asText).join(', ')}]; last value ${actual === undefined ? 'absent' : asText(actual)}`,
            );
          }
          waited += pollSeconds;
          if (options.pollDelayMs) await sleep(options.pollDelayMs);
        }
      }
      case 'aws:branch': {
        const value = (ref: unknown) => interpolate(ref, resolve);
        const choices = (step.inputs.Choices ?? []) as Array<Record<string, unknown>>;
        let chosen: string | undefined;
        try {
          chosen = choices.find((c) => evaluateCondition(c, value, step.name))?.NextStep as string | undefined;
        } catch (e) {
          if (e instanceof StepFailure) throw e;
          throw new StepFailure(`${step.name}: ${(e as Error).message}`);
        }
        return { inputs: step.inputs, outputs: {}, next: chosen ?? (step.inputs.Default as string | undefined) };
      }
      case 'aws:invokeLambdaFunction': {
        const name = String(inputs.FunctionName);
        const fn = options.lambdas?.[name] ?? options.lambdas?.[name.split(':').pop() ?? ''];
        if (!fn) throw new StepFailure(`${step.name}: Lambda function ${name} does not exist (ResourceNotFoundException)`);
        let event: unknown = {};
        if (inputs.Payload !== undefined) {
          try {
            event = typeof inputs.Payload === 'string' ? JSON.parse(inputs.Payload) : inputs.Payload;
          } catch (e) {
            throw new StepFailure(`${step.name}: the Payload is not valid JSON (InvalidRequestContentException): ${(e as Error).message}`);
          }
        }
        try {
          const result = await fn(event);
          return { inputs, outputs: { StatusCode: 200, Payload: JSON.stringify(result ?? null) } };
        } catch (e) {
          const err = e as Error;
          const payload = JSON.stringify({ errorType: err.name ?? 'Error', errorMessage: err.message ?? String(e) });
          if (failOnFunctionError) throw new StepFailure(`${step.name}: Lambda function ${name} failed: ${err.name}: ${err.message}`);
          return { inputs, outputs: { StatusCode: 200, FunctionError: 'Unhandled', Payload: payload } };
        }
      }
      case 'aws:sleep': {
        // Virtual time, like the waits: a Duration (ISO 8601, e.g. PT1M) is checked, nothing is slept.
        if (typeof inputs.Duration !== 'string' || !/^PT(\d+H)?(\d+M)?(\d+S)?$/.test(inputs.Duration) || inputs.Duration === 'PT') {
          throw new StepFailure(`${step.name}: aws:sleep needs a Duration such as PT1M`);
        }
        if (options.pollDelayMs) await sleep(options.pollDelayMs);
        return { inputs, outputs: {} };
      }
      default:
        throw new StepFailure(`${step.name}: unsupported action ${step.action}`);
    }
  };

  let i = 0;
  let executed = 0;
  while (i < steps.length) {
    if (++executed > (options.maxStepExecutions ?? 500)) {
      throw new Error(`The document ran more than ${options.maxStepExecutions ?? 500} steps: a loop?`);
    }
    const step = steps[i];
    path.push(step.name);
    const maxAttempts = Math.max(1, step.maxAttempts ?? 1);
    let result: Awaited<ReturnType<typeof attempt>> | undefined;
    let failure: string | undefined;
    let attempts = 0;
    while (attempts < maxAttempts) {
      attempts += 1;
      try {
        result = await attempt(step);
        failure = undefined;
        break;
      } catch (e) {
        if (!(e instanceof StepFailure)) throw e;
        failure = e.message;
      }
    }
    if (failure !== undefined || !result) {
      records.push({ name: step.name, action: step.action, status: 'Failed', attempts, outputs: {}, failureMessage: failure });
      const onFailure = step.onFailure ?? 'Abort';
      const critical = step.isCritical === undefined || truthy(step.isCritical);
      if (onFailure === 'Continue' || onFailure.startsWith('step:')) {
        if (critical) criticalFailure ??= { step: step.name, message: failure ?? 'failed' };
        i = onFailure === 'Continue' ? i + 1 : indexOf.get(onFailure.slice(5))!;
        continue;
      }
      return finish('Failed', { step: step.name, message: failure ?? 'failed' });
    }
    for (const [k, v] of Object.entries(result.outputs)) outputs[`${step.name}.${k}`] = v;
    records.push({ name: step.name, action: step.action, status: 'Success', attempts, inputs: result.inputs, outputs: result.outputs, next: result.next });
    if (truthy(step.isEnd)) break;
    const next = result.next ?? step.nextStep;
    i = next !== undefined ? indexOf.get(next)! : i + 1;
  }
  return finish(criticalFailure ? 'Failed' : 'Success', criticalFailure);

  function finish(status: 'Success' | 'Failed', failed?: { step: string; message: string }): RunResult {
    const top = Object.fromEntries((doc.outputs ?? []).filter((o) => outputs[o] !== undefined).map((o) => [o, outputs[o]]));
    return {
      status,
      executionId,
      steps: records,
      failedStep: failed?.step,
      failureMessage: failed?.message,
      outputs: top,
      apiCalls,
      path,
    };
  }
}
