import { randomUUID } from 'node:crypto';
import { jumpProblems, StepFailure, type ActionContext, type StepOutcome } from './action';
import { ACTIONS } from './actions';
import type { AutomationDocument, ParameterSpec, Step } from './document';
import type { ApiCaller } from './aws-api';
import { interpolate, references, type Resolver } from './interpolate';
import { asText, convert } from './values';

/**
 * A local runner for SSM Automation documents: what Automation would do with the steps our
 * documents use, against real AWS SDK v3 calls (pointed at moto in the tests and in `npm run demo`).
 *
 * Semantics follow the Automation documentation: parameters get their defaults, types,
 * allowedPattern and allowedValues checked before the first step; `{{ }}` references resolve to
 * parameters, earlier outputs and built-ins; steps run in order unless `nextStep`, `isEnd`,
 * `aws:branch` or `onFailure` say otherwise; `maxAttempts` retries a failed step.
 * What each action checks and does is in actions.ts, one entry per action; a document naming any
 * other action is refused before it starts.
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

const BUILT_INS = ['global:ACCOUNT_ID', 'global:REGION', 'global:AWS_PARTITION', 'global:DATE', 'global:DATE_TIME', 'automation:EXECUTION_ID', 'automation:DOCUMENT_NAME'];

const truthy = (v: boolean | string | undefined): boolean => v === true || v === 'true';

/** The outputs a step defines, by name. */
function stepOutputNames(step: Step): string[] {
  return [...(ACTIONS.get(step.action)?.predefinedOutputs ?? []), ...(step.outputs ?? []).map((o) => o.Name)];
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
    const action = ACTIONS.get(s.action);
    if (!action) problems.push(`${s.name}: action ${s.action} is not supported by the runner (it supports ${[...ACTIONS.keys()].join(', ')})`);
    if (s.nextStep !== undefined) problems.push(...jumpProblems(s.name, s.nextStep, 'nextStep', names));
    if (s.onFailure && s.onFailure.startsWith('step:')) problems.push(...jumpProblems(s.name, s.onFailure.slice(5), 'onFailure', names));
    else if (s.onFailure && !['Abort', 'Continue'].includes(s.onFailure)) problems.push(`${s.name}: onFailure ${s.onFailure} is invalid`);
    checkRefs(s.name, s.inputs, earlier);
    if (action) problems.push(...action.check(s, names));
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
  let criticalFailure: { step: string; message: string } | undefined;

  const context: ActionContext = {
    options,
    resolve,
    pollSeconds: options.pollSeconds ?? 5,
    async callApi(step, inputs, drop) {
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
    },
  };

  /** Runs one attempt through the step's action (checkDocument has refused unknown actions). */
  const attempt = async (step: Step): Promise<StepOutcome> => {
    const action = ACTIONS.get(step.action)!;
    let inputs: Record<string, unknown>;
    try {
      inputs = action.rawInputs ? step.inputs : (interpolate(step.inputs, resolve) as Record<string, unknown>);
    } catch (e) {
      throw new StepFailure(`${step.name}: ${(e as Error).message}`);
    }
    return action.run(step, inputs, context);
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
    let result: StepOutcome | undefined;
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
