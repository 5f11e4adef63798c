import { GuardError } from '../../kit/errors';

/**
 * Typed errors of the remediation functions. SSM Automation shows a failed
 * aws:invokeLambdaFunction step with the function's error message, so every message here is
 * written for the person reading the failed execution: what was refused and what to do next.
 */
export abstract class RemediationError extends GuardError {}

/** The step's Payload is not what the document sends (a hand-edited document or a direct invoke). */
export class InvalidInputError extends RemediationError {
  readonly code = 'InvalidInput';
}

/** The safety gate: the instance made IMDSv1 calls in the look-back window and Force was not set. */
export class Imdsv1InUseError extends RemediationError {
  readonly code = 'Imdsv1InUse';
  constructor(
    readonly instanceId: string,
    readonly calls: number,
    readonly lookbackDays: number,
  ) {
    super(
      `IMDSv1 calls seen: ${calls} in the last ${lookbackDays} days on ${instanceId} (CloudWatch AWS/EC2 MetadataNoToken); ` +
        'requiring IMDSv2 now would break the software making them. Move it to IMDSv2 (or an SDK that uses it) first, ' +
        'or set Force=true to proceed.',
    );
  }
}

/** The resource the document names does not exist (any more). */
export class ResourceNotFoundError extends RemediationError {
  readonly code = 'ResourceNotFound';
}

/** A launch configuration setting that has no faithful launch-template equivalent. */
export class NotMigratableError extends RemediationError {
  readonly code = 'NotMigratable';
}

/** The change was made but reading it back does not show the intended state. */
export class VerificationError extends RemediationError {
  readonly code = 'Verification';
}

/** An AWS call failed; the message names the call and keeps the service's error. */
export class AwsCallError extends RemediationError {
  readonly code = 'AwsCall';
}

/** The error name the SDK gives a service error (`InvalidInstanceID.NotFound`, `ValidationError`, …). */
export function awsErrorName(e: unknown): string {
  return (e as { name?: string })?.name ?? '';
}

/** Wraps an SDK failure, pointing at IAM when the service says access was denied. */
export function awsCallError(what: string, cause: unknown): AwsCallError {
  const name = awsErrorName(cause);
  const hint = /AccessDenied|UnauthorizedOperation|NotAuthorized/.test(name) ? ' (missing IAM permission on the function role?)' : '';
  return new AwsCallError(`${what} failed: ${name || 'error'}: ${(cause as Error)?.message ?? String(cause)}${hint}`, { cause });
}
