import { jumpProblems, pause, StepFailure, type Action, type ActionContext } from './action';
import { choiceProblems, evaluateCondition, type Choice } from './conditions';
import type { OutputSpec, Step } from './document';
import { interpolate, references } from './interpolate';
import { select } from './selector';
import { asText, convert } from './values';

/**
 * The actions the local runner supports, one entry each: its static checks (what Automation refuses
 * when the document is created) next to what one attempt of such a step does. A document naming any
 * other action is refused by checkDocument before anything runs.
 */

/** Service and Api, required by every action that calls AWS. */
function apiCallProblems(step: Step): string[] {
  return typeof step.inputs.Service !== 'string' || typeof step.inputs.Api !== 'string' ? [`${step.name}: Service and Api are required`] : [];
}

/** aws:assertAwsResourceProperty and aws:waitForAwsResourceProperty: a call, a property and the values it may take. */
function propertyProblems(step: Step): string[] {
  const problems = apiCallProblems(step);
  if (typeof step.inputs.PropertySelector !== 'string') problems.push(`${step.name}: PropertySelector is required`);
  if (!Array.isArray(step.inputs.DesiredValues) || step.inputs.DesiredValues.length === 0) problems.push(`${step.name}: DesiredValues must be a non-empty list`);
  if (step.outputs?.length) problems.push(`${step.name}: ${step.action} has no outputs`);
  return problems;
}

/** How Automation compares a selected value with DesiredValues: as text, Booleans as True/False. */
function matchesDesired(actual: unknown, desired: readonly unknown[]): boolean {
  if (actual === undefined || actual === null) return false;
  return desired.some((d) => {
    if (typeof actual === 'boolean') return asText(d).toLowerCase() === String(actual);
    return asText(d) === asText(actual);
  });
}

/** Reads PropertySelector from a fresh response: the value and whether it is one of DesiredValues. */
async function readProperty(step: Step, inputs: Record<string, unknown>, context: ActionContext): Promise<{ actual: unknown; matches: boolean }> {
  const response = await context.callApi(step.name, inputs, ['PropertySelector', 'DesiredValues']);
  const actual = select(response, String(inputs.PropertySelector));
  return { actual, matches: matchesDesired(actual, inputs.DesiredValues as unknown[]) };
}

const shown = (v: unknown): string => (v === undefined ? 'absent' : asText(v));
const desiredText = (inputs: Record<string, unknown>): string => (inputs.DesiredValues as unknown[]).map(asText).join(', ');

function selectOutputs(step: string, specs: readonly OutputSpec[], response: unknown): Record<string, unknown> {
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
}

const executeAwsApi: Action = {
  check: apiCallProblems,
  async run(step, inputs, context) {
    const response = await context.callApi(step.name, inputs, []);
    return { inputs, outputs: selectOutputs(step.name, step.outputs ?? [], response) };
  },
};

const assertAwsResourceProperty: Action = {
  check: propertyProblems,
  async run(step, inputs, context) {
    const { actual, matches } = await readProperty(step, inputs, context);
    if (!matches) {
      throw new StepFailure(`${step.name}: expected ${String(inputs.PropertySelector)} to be one of [${desiredText(inputs)}] but it is ${shown(actual)}`);
    }
    return { inputs, outputs: {} };
  },
};

const waitForAwsResourceProperty: Action = {
  check: propertyProblems,
  async run(step, inputs, context) {
    const timeout = Number(step.timeoutSeconds ?? 3600);
    for (let waited = 0; ; waited += context.pollSeconds) {
      const { actual, matches } = await readProperty(step, inputs, context);
      if (matches) return { inputs, outputs: {} };
      if (waited + context.pollSeconds > timeout) {
        throw new StepFailure(
          `${step.name}: timed out after ${timeout}s waiting for ${String(inputs.PropertySelector)} in [${desiredText(inputs)}]; last value ${shown(actual)}`,
        );
      }
      if (context.options.pollDelayMs) await pause(context.options.pollDelayMs);
    }
  },
};

const branch: Action = {
  rawInputs: true,
  check(step, steps) {
    const problems: string[] = [];
    const choices = (step.inputs.Choices ?? []) as Choice[];
    if (!Array.isArray(choices) || choices.length === 0) problems.push(`${step.name}: aws:branch needs Choices`);
    for (const c of Array.isArray(choices) ? choices : []) {
      if (typeof c.NextStep === 'string') problems.push(...jumpProblems(step.name, c.NextStep, 'NextStep', steps));
      problems.push(...choiceProblems(step.name, c));
    }
    if (step.inputs.Default !== undefined) problems.push(...jumpProblems(step.name, step.inputs.Default, 'Default', steps));
    if (step.outputs?.length) problems.push(`${step.name}: aws:branch has no outputs`);
    return problems;
  },
  async run(step, _inputs, context) {
    // Only the Variables are resolved, as each choice is judged.
    const value = (ref: unknown) => interpolate(ref, context.resolve);
    const choices = (step.inputs.Choices ?? []) as Choice[];
    let chosen: string | undefined;
    try {
      chosen = choices.find((c) => evaluateCondition(c, value, step.name))?.NextStep as string | undefined;
    } catch (e) {
      if (e instanceof StepFailure) throw e;
      throw new StepFailure(`${step.name}: ${(e as Error).message}`);
    }
    return { inputs: step.inputs, outputs: {}, next: chosen ?? (step.inputs.Default as string | undefined) };
  },
};

const LAMBDA_INPUTS = ['FunctionName', 'Payload', 'InvocationType', 'LogType', 'Qualifier'];

const invokeLambdaFunction: Action = {
  predefinedOutputs: ['StatusCode', 'FunctionError', 'LogResult', 'Payload'],
  check(step) {
    const problems: string[] = [];
    const extra = Object.keys(step.inputs).filter((k) => !LAMBDA_INPUTS.includes(k));
    if (extra.length) problems.push(`${step.name}: inputs ${extra.join(', ')} are not supported by the runner`);
    // What a selector over a Lambda payload sees is not documented; our documents only read Payload whole.
    if (step.outputs?.length) problems.push(`${step.name}: user-defined outputs on aws:invokeLambdaFunction are not supported`);
    return problems;
  },
  async run(step, inputs, context) {
    const { lambdas, functionErrorFailsStep = true } = context.options;
    const name = String(inputs.FunctionName);
    const fn = lambdas?.[name] ?? lambdas?.[name.split(':').pop() ?? ''];
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
      if (functionErrorFailsStep) throw new StepFailure(`${step.name}: Lambda function ${name} failed: ${err.name}: ${err.message}`);
      return { inputs, outputs: { StatusCode: 200, FunctionError: 'Unhandled', Payload: payload } };
    }
  },
};

/** An ISO 8601 duration of hours, minutes and seconds (PT1M, PT1H30M), as aws:sleep takes it. */
const isDuration = (d: unknown): boolean => typeof d === 'string' && /^PT(\d+H)?(\d+M)?(\d+S)?$/.test(d) && d !== 'PT';

const sleep: Action = {
  check(step) {
    const d = step.inputs.Duration;
    // A reference is only known at run time (and checked then).
    const literal = typeof d !== 'string' || references(d).length === 0;
    return literal && !isDuration(d) ? [`${step.name}: aws:sleep needs a Duration such as PT1M`] : [];
  },
  async run(step, inputs, context) {
    // Virtual time, like the waits: the Duration is checked, nothing is slept.
    if (!isDuration(inputs.Duration)) throw new StepFailure(`${step.name}: aws:sleep needs a Duration such as PT1M`);
    if (context.options.pollDelayMs) await pause(context.options.pollDelayMs);
    return { inputs, outputs: {} };
  },
};

export const ACTIONS: ReadonlyMap<string, Action> = new Map([
  ['aws:executeAwsApi', executeAwsApi],
  ['aws:assertAwsResourceProperty', assertAwsResourceProperty],
  ['aws:waitForAwsResourceProperty', waitForAwsResourceProperty],
  ['aws:branch', branch],
  ['aws:invokeLambdaFunction', invokeLambdaFunction],
  ['aws:sleep', sleep],
]);
