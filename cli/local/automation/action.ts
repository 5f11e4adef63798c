import type { Step } from './document';
import type { Resolver } from './interpolate';
import type { RunOptions } from './runner';

/** A step failed; the message is what the execution would show. */
export class StepFailure extends Error {}

/** One attempt's result: the inputs as sent (after interpolation), the outputs, and for aws:branch the step chosen. */
export interface StepOutcome {
  readonly inputs: unknown;
  readonly outputs: Record<string, unknown>;
  readonly next?: string;
}

/** What the runner lends an action while one of its steps runs. */
export interface ActionContext {
  readonly options: RunOptions;
  /** Resolves `{{ }}` names: parameters, built-ins and the outputs of the steps run so far. */
  readonly resolve: Resolver;
  /** Virtual seconds between two polls of a wait. */
  readonly pollSeconds: number;
  /** Calls `Service`/`Api` with the other inputs (less `drop`), through a stand-in where there is one; the call is recorded. */
  callApi(step: string, inputs: Record<string, unknown>, drop: readonly string[]): Promise<unknown>;
}

/**
 * Everything the runner knows about one Automation action: what Automation checks in such a step
 * before it accepts the document, and what one attempt of the step does.
 */
export interface Action {
  /** Outputs the action always defines, which later steps may read (aws:invokeLambdaFunction's Payload, …). */
  readonly predefinedOutputs?: readonly string[];
  /** The inputs are passed as written: the action resolves their references itself (aws:branch). @default false */
  readonly rawInputs?: boolean;
  /** The problems Automation would refuse the document for; `steps` holds every step name. */
  check(step: Step, steps: ReadonlySet<string>): string[];
  /** One attempt of the step; a failure is thrown as StepFailure. */
  run(step: Step, inputs: Record<string, unknown>, context: ActionContext): Promise<StepOutcome>;
}

/** The problem with a jump from step `from` (nextStep, onFailure, a choice, Default) when `to` names no step. */
export function jumpProblems(from: string, to: unknown, what: string, steps: ReadonlySet<string>): string[] {
  return typeof to === 'string' && steps.has(to) ? [] : [`${from}: ${what} ${JSON.stringify(to)} is not a step`];
}

/** A real pause (only where the caller asked for one: the runner keeps virtual time). */
export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
