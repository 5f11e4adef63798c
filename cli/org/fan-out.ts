/**
 * Runs one task per account × region with bounded concurrency, and never lets one refusal stop the
 * rest: every target ends `scanned` or `failed` with a reason and a fix.
 *
 * API (shared by `scan` and `doctor`):
 * - `fanOut(targets, regions, task, { concurrency })` → `{ outcomes, results }`:
 *   - each account's credentials are resolved once (AssumeRole for member accounts) before its regions
 *     run; if that fails, every region of the account is `failed` with the same reason;
 *   - `regions` is a list, or a function giving each account its own list (e.g. its enabled regions);
 *     if that function throws, the account is `failed` (region `*`);
 *   - `task({ account, region, credentials })` returns a value (kept in `results`) or throws (then
 *     the target is `failed`, classified by `classifyFailure`);
 *   - outcomes come back in target order (account, then region), whatever order they finished in.
 * - `classifyFailure(error, { account, region })` → `{ kind, reason, fix }`:
 *   `assume-role-denied` (AccessDenied on sts:AssumeRole: the role is missing, or does not trust the
 *   caller, or the external id differs), `region-disabled` (OptInRequired: an opt-in region not enabled
 *   in that account; not an IAM problem), `access-denied` (any other refused call, naming the action),
 *   `bad-credentials`, `error` (anything else, with the service's words).
 * - `accountStatuses(targets, outcomes)` → one `AccountStatus` per account: `scanned` (every region),
 *   `partial`, or `failed` (no region), with the distinct reasons.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { actionOf, classifyError, rootCause } from '../scan/errors';
import type { AccountTarget } from './targets';

export type FailureKind = 'assume-role-denied' | 'region-disabled' | 'access-denied' | 'bad-credentials' | 'error';

export interface TargetOutcome {
  readonly accountId: string;
  /** `*` when the account failed before its regions were known. */
  readonly region: string;
  readonly status: 'scanned' | 'failed';
  readonly kind?: FailureKind;
  readonly reason?: string;
  readonly fix?: string;
}

export interface TaskContext {
  readonly account: AccountTarget;
  readonly region: string;
  /** undefined: the caller's own credentials chain. */
  readonly credentials?: AwsCredentialIdentityProvider;
}

export interface FanOutOptions {
  /** Targets (account × region) in flight at once. */
  readonly concurrency: number;
  /** Called as each target ends (progress). */
  readonly onOutcome?: (outcome: TargetOutcome) => void;
}

export interface FanOutResult<R> {
  readonly outcomes: TargetOutcome[];
  readonly results: Array<{ readonly accountId: string; readonly region: string; readonly value: R }>;
}

export interface Failure {
  readonly kind: FailureKind;
  readonly reason: string;
  readonly fix: string;
}

function nameOf(e: unknown): string {
  const c = rootCause(e) as { name?: unknown; Code?: unknown } | undefined;
  for (const v of [c?.name, c?.Code]) if (typeof v === 'string' && v !== '' && v !== 'Error') return v;
  return '';
}

function messageOf(e: unknown): string {
  const c = rootCause(e);
  const name = nameOf(e);
  const message = ((c as Error)?.message ?? String(c)).trim().split('\n')[0];
  return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}

/** Why a target failed, and what would fix it. */
export function classifyFailure(error: unknown, where: { readonly account: AccountTarget; readonly region: string }): Failure {
  const { account, region } = where;
  const action = actionOf(error);
  const name = nameOf(error);
  if (action === 'sts:AssumeRole' || (error as { [ASSUMING]?: boolean })?.[ASSUMING]) {
    const kind = classifyError(error);
    if (kind === 'denied' || kind === 'bad-credentials' || name === 'AccessDenied') {
      return {
        kind: 'assume-role-denied',
        reason: `could not assume ${account.roleArn}: ${messageOf(error)}`,
        fix: `Create the role in account ${account.accountId} with a trust policy that lets the identity you run as call sts:AssumeRole (and the same --external-id, if any), and attach ReadOnlyAccess; or leave the account out.`,
      };
    }
  }
  if (name === 'OptInRequired') {
    return {
      kind: 'region-disabled',
      reason: `region ${region} is not enabled in account ${account.accountId} (${messageOf(error)})`,
      fix: `Enable the region (aws account enable-region --account-id ${account.accountId} --region-name ${region}) or leave it out of --region; no IAM change helps.`,
    };
  }
  switch (classifyError(error)) {
    case 'denied':
      return {
        kind: 'access-denied',
        reason: `access denied for ${action ?? 'an AWS API call'} in ${region}: ${messageOf(error)}`,
        fix: `Grant ${action ?? 'the refused action'} to ${account.roleArn ?? 'the identity you run as'} (ReadOnlyAccess covers every call the scan makes), and check that no SCP denies it in ${region}.`,
      };
    case 'bad-credentials':
      return {
        kind: 'bad-credentials',
        reason: `credentials were refused in ${region}: ${messageOf(error)}`,
        fix: `If ${region} is an opt-in region, enable it in account ${account.accountId} or leave it out; otherwise refresh the credentials (e.g. aws sso login).`,
      };
    default:
      return {
        kind: 'error',
        reason: `${action ? `${action} failed` : 'failed'} in ${region}: ${messageOf(error)}`,
        fix: 'Run again; if it persists, scan this account and region alone to see the full error.',
      };
  }
}

/** Marks errors raised while resolving an account's credentials (the SDK may not tag them with the action). */
const ASSUMING = Symbol('imdsv2-guard.assuming');

/**
 * Runs `task` for every account × region, `concurrency` at a time. Never rejects for a target's
 * failure: it is reported in `outcomes`. Rejects only if `task` is not a function or similar bugs in
 * the caller's callbacks (onOutcome).
 */
export async function fanOut<R>(
  targets: readonly AccountTarget[],
  regions: readonly string[] | ((account: AccountTarget) => Promise<readonly string[]>),
  task: (context: TaskContext) => Promise<R>,
  options: FanOutOptions,
): Promise<FanOutResult<R>> {
  const limit = Math.max(1, Math.floor(options.concurrency));
  const perAccount: Array<{ outcomes: TargetOutcome[]; results: FanOutResult<R>['results'] }> = targets.map(() => ({ outcomes: [], results: [] }));
  const done = (i: number, o: TargetOutcome) => {
    perAccount[i].outcomes.push(o);
    options.onOutcome?.(o);
  };

  // One credentials check per account, shared by its regions; started lazily by the first region.
  const ready = new Map<number, Promise<Failure | undefined>>();
  const accountReady = (i: number): Promise<Failure | undefined> => {
    let p = ready.get(i);
    if (!p) {
      const account = targets[i];
      p = account.credentials
        ? account.credentials().then(
            () => undefined,
            (e: unknown) => {
              if (e && typeof e === 'object') Object.defineProperty(e, ASSUMING, { value: true });
              return classifyFailure(e, { account, region: '*' });
            },
          )
        : Promise.resolve(undefined);
      ready.set(i, p);
    }
    return p;
  };

  // Regions per account: resolved in order, with the same bound (DescribeRegions is a call too).
  const jobs: Array<{ index: number; region: string }> = [];
  if (typeof regions === 'function') {
    await eachLimited(targets.map((_, i) => i), limit, async (i) => {
      const failure = await accountReady(i);
      if (failure) return void done(i, { accountId: targets[i].accountId, region: '*', status: 'failed', ...failure });
      try {
        for (const region of await regions(targets[i])) jobs.push({ index: i, region });
      } catch (e) {
        done(i, { accountId: targets[i].accountId, region: '*', status: 'failed', ...classifyFailure(e, { account: targets[i], region: '*' }) });
      }
    });
    jobs.sort((a, b) => a.index - b.index);
  } else {
    targets.forEach((_, index) => regions.forEach((region) => jobs.push({ index, region })));
  }

  await eachLimited(jobs, limit, async ({ index, region }) => {
    const account = targets[index];
    const failure = await accountReady(index);
    if (failure) return void done(index, { accountId: account.accountId, region, status: 'failed', ...failure });
    try {
      const value = await task({ account, region, credentials: account.credentials });
      perAccount[index].results.push({ accountId: account.accountId, region, value });
      done(index, { accountId: account.accountId, region, status: 'scanned' });
    } catch (e) {
      done(index, { accountId: account.accountId, region, status: 'failed', ...classifyFailure(e, { account, region }) });
    }
  });

  // Target order, whatever order they finished in.
  const order = (list: ReadonlyArray<{ region: string }>, i: number) => {
    const regionOrder = jobs.filter((j) => j.index === i).map((j) => j.region);
    return [...list].sort((a, b) => regionOrder.indexOf(a.region) - regionOrder.indexOf(b.region));
  };
  return {
    outcomes: perAccount.flatMap((a, i) => order(a.outcomes, i) as TargetOutcome[]),
    results: perAccount.flatMap((a, i) => order(a.results, i) as FanOutResult<R>['results']),
  };
}

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface AccountStatus {
  readonly accountId: string;
  readonly name?: string;
  readonly status: 'scanned' | 'partial' | 'failed';
  readonly regionsScanned: readonly string[];
  readonly regionsFailed: readonly string[];
  /** Distinct failures of the account (one per kind and reason). */
  readonly failures: ReadonlyArray<{ readonly regions: readonly string[]; readonly kind: FailureKind; readonly reason: string; readonly fix: string }>;
}

/** One status per account, in target order. */
export function accountStatuses(targets: readonly AccountTarget[], outcomes: readonly TargetOutcome[]): AccountStatus[] {
  return targets.map((t) => {
    const mine = outcomes.filter((o) => o.accountId === t.accountId);
    const scanned = mine.filter((o) => o.status === 'scanned').map((o) => o.region);
    const failed = mine.filter((o) => o.status === 'failed');
    const groups = new Map<string, { regions: string[]; kind: FailureKind; reason: string; fix: string }>();
    for (const f of failed) {
      // Per-region reasons name their region; group the account-wide ones (AssumeRole) together.
      const key = `${f.kind}|${f.reason}`;
      const g = groups.get(key) ?? { regions: [], kind: f.kind ?? 'error', reason: f.reason ?? '', fix: f.fix ?? '' };
      g.regions.push(f.region);
      groups.set(key, g);
    }
    return {
      accountId: t.accountId,
      name: t.name,
      status: failed.length === 0 ? 'scanned' : scanned.length === 0 ? 'failed' : 'partial',
      regionsScanned: scanned,
      regionsFailed: failed.map((f) => f.region),
      failures: [...groups.values()],
    };
  });
}
