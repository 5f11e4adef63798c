/**
 * The typed errors of every function: the Config rules (the kit's errors below) and the remediation
 * helpers (lambda/remediation/common/errors.ts) alike. Every error carries a stable `code`, its class
 * name as `name` (what Lambda reports as `errorType`) and, where it wraps another failure, the
 * original as `cause`.
 */
export abstract class GuardError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Errors raised by the kit, about AWS Config. A thrown error makes AWS Config record a failed rule
 * execution (and Lambda retry the asynchronous invocation): that is the intended outcome for any
 * input we cannot evaluate with certainty. We never guess a verdict instead.
 */
export abstract class KitError extends GuardError {}

/** The Lambda event is not a well-formed AWS Config rule invocation. */
export class MalformedEventError extends KitError {
  readonly code = 'MalformedEvent';
}

/** A rule parameter is unknown, or its value does not match the rule's schema. */
export class InvalidParameterError extends KitError {
  readonly code = 'InvalidParameter';
  constructor(
    readonly parameter: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Rule parameter "${parameter}": ${message}`, options);
  }
}

/** The rule received a configuration item of a type it does not own: the rule's scope is wrong. */
export class WrongResourceTypeError extends KitError {
  readonly code = 'WrongResourceType';
  constructor(
    readonly expected: readonly string[],
    readonly received: string,
  ) {
    // The type comes from the event: quote a bounded part of it, as the parser does for other fields.
    const shown = received.length > 100 ? `${received.slice(0, 100)}…` : received;
    super(`This rule evaluates ${expected.join(', ')} but received ${shown}: check the rule's scope`);
  }
}

/** Reading the resource (or what the event lacks) from AWS failed. */
export class ResourceFetchError extends KitError {
  readonly code = 'ResourceFetch';
}

/** AWS Config did not record some evaluations, even after resending them. */
export class EvaluationsNotRecordedError extends KitError {
  readonly code = 'EvaluationsNotRecorded';
  constructor(
    readonly failed: ReadonlyArray<{ resourceType: string; resourceId: string }>,
    options?: { cause?: unknown },
  ) {
    const names = failed.map((f) => `${f.resourceType} ${f.resourceId}`);
    const shown = names.slice(0, 20).join(', ');
    const more = names.length > 20 ? ` and ${names.length - 20} more` : '';
    super(`AWS Config did not record ${failed.length} evaluation(s): ${shown}${more}`, options);
  }
}

/** PutEvaluations itself failed (after the SDK's own retries). */
export class PutEvaluationsError extends KitError {
  readonly code = 'PutEvaluations';
}

/** Rule code used a client its handler names no loader for (resourceRuleHandlers(rule, loaders)): a wiring bug. */
export class ClientNotLoadedError extends KitError {
  readonly code = 'ClientNotLoaded';
  constructor(readonly client: string) {
    super(`the ${client} client was used, but this rule's handler names no loader for it (resourceRuleHandlers(rule, { ${client}: ... }))`);
  }
}
