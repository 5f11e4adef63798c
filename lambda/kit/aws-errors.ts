import { ResourceFetchError } from './errors';

/** The error code of an SDK error (its `name`), or '' when there is none. */
export function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? (e as { Code?: string })?.Code ?? '';
}

/** Wraps a failed AWS read in a ResourceFetchError that names the call and hints at IAM when refused. */
export function fetchError(what: string, cause: unknown): ResourceFetchError {
  const name = errorName(cause);
  const hint = /AccessDenied|UnauthorizedOperation/.test(name) ? ' (missing IAM permission?)' : '';
  return new ResourceFetchError(`${what} failed: ${name || 'error'}: ${(cause as Error)?.message ?? cause}${hint}`, { cause });
}
