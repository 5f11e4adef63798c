import { ResourceFetchError } from '../../lambda/kit/errors';

/**
 * Errors that end a scan with exit status 2. Each carries the one-line message the user sees;
 * nothing else is printed for them (no stack), so the message must say what to do.
 */
export class ScanAbort extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags or values: the message ends with where to read the usage. */
export class UsageError extends ScanAbort {}

/** A setting that names something that does not exist (profile, region, endpoint host): one line, no usage hint. */
export class ConfigError extends ScanAbort {}

/** A permission, credential or token problem: names the refused action where AWS told us. */
export class AccessError extends ScanAbort {}

/** The SDK middleware in clients.ts tags every failed call with `service:Operation` under this key. */
export const ACTION_KEY = '$imdsv2GuardAction';

// Codes AWS services use for a refused call (EC2, Auto Scaling, CloudWatch, STS, Config).
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'Forbidden',
  'AuthorizationError',
  'OptInRequired',
]);
// Codes for credentials that exist but are not accepted.
const BAD_CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'IncompleteSignature',
  'MissingAuthenticationToken',
]);
// Errors the SDK raises before sending anything: no credentials could be resolved.
const NO_CREDENTIALS = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError']);

function nameOf(e: unknown): string {
  const r = e as { name?: unknown; Code?: unknown; code?: unknown } | undefined;
  for (const v of [r?.name, r?.Code, r?.code]) if (typeof v === 'string' && v !== '' && v !== 'Error') return v;
  return '';
}

/** The innermost SDK error: the kit wraps SDK failures in ResourceFetchError with `cause`. */
export function rootCause(e: unknown): unknown {
  let current = e;
  for (let i = 0; i < 5 && current instanceof ResourceFetchError && current.cause !== undefined; i++) current = current.cause;
  return current;
}

/** `ec2:DescribeInstances`, from the tag clients.ts puts on SDK errors, else from the kit's message. */
export function actionOf(e: unknown): string | undefined {
  for (let c: unknown = e, i = 0; c && i < 6; c = (c as { cause?: unknown }).cause, i++) {
    const tagged = (c as Record<string, unknown>)[ACTION_KEY];
    if (typeof tagged === 'string') return tagged;
  }
  // The kit's fetch errors start with the API operation ("DescribeInstances failed: …").
  const m = /^([A-Z][A-Za-z]+)\b/.exec((e as Error)?.message ?? '');
  return m ? m[1] : undefined;
}

export type ErrorKind = 'denied' | 'bad-credentials' | 'no-credentials' | 'no-region' | 'other';

export function classifyError(e: unknown): ErrorKind {
  const cause = rootCause(e);
  const name = nameOf(cause);
  if (DENIED.has(name)) return 'denied';
  if (BAD_CREDENTIALS.has(name)) return 'bad-credentials';
  if (NO_CREDENTIALS.has(name) || /Could not load credentials/i.test((cause as Error)?.message ?? '')) return 'no-credentials';
  if (/Region is missing/i.test((cause as Error)?.message ?? '')) return 'no-region';
  return 'other';
}

/** The SDK's message, without the kit's "X failed: Code: " prefix repeated in our own wording. */
function detail(e: unknown): string {
  const cause = rootCause(e);
  const message = ((cause as Error)?.message ?? String(cause)).trim();
  const name = nameOf(cause);
  return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}

/**
 * Turns a failure into the error the CLI reports: access problems name the action and region
 * ("access denied for ec2:DescribeInstances in eu-west-1"), anything else keeps the SDK's words.
 */
export function toScanAbort(e: unknown, region?: string): ScanAbort {
  if (e instanceof ScanAbort) return e;
  // A named profile's own failure (credential_process, SSO): its message already says it all.
  for (let c: unknown = e, i = 0; c && i < 6; c = (c as { cause?: unknown }).cause, i++) {
    if ((c as Error).name === 'ProfileCredentialsError') return new AccessError((c as Error).message, { cause: e });
  }
  const tagged = actionOf(e);
  const action = tagged ?? 'an AWS API call';
  const where = region ? ` in ${region}` : '';
  switch (classifyError(e)) {
    case 'denied':
      return new AccessError(
        `access denied for ${action}${where}: ${detail(e)}\n` +
          `Grant ${action} to the identity you scan with (the AWS managed policy ReadOnlyAccess covers every call the scan makes).`,
        { cause: e },
      );
    case 'bad-credentials':
      return new AccessError(`credentials were refused calling ${action}${where}: ${detail(e)}\nRefresh them (e.g. aws sso login) and retry.`, {
        cause: e,
      });
    case 'no-credentials':
      return new AccessError(
        `no AWS credentials found: ${detail(e)}\nUse --profile NAME, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.`,
        { cause: e },
      );
    case 'no-region':
      return new UsageError('no region to scan: pass --region REGION (repeatable, or "all"), or set AWS_REGION or a region in your profile.', {
        cause: e,
      });
    default:
      // Not an AWS call at all: a bug of ours. Keep the stack so it can be reported.
      if (tagged === undefined && !(e instanceof ResourceFetchError)) {
        return new ScanAbort(`unexpected error${where}: ${(e as Error)?.stack ?? String(e)}`, { cause: e });
      }
      return new ScanAbort(`${action} failed${where}: ${detail(e)}`, { cause: e });
  }
}
