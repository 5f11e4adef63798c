/**
 * Which accounts a multi-account command (`scan --org`, `doctor`) works on, and with which credentials.
 *
 * API (small on purpose; shared by `scan` and `doctor`):
 * - `parseTargetSelection({ org, accounts, roleName, externalId })` validates the flags (throws
 *   `TargetSelectionError`, a usage error) and returns a `TargetSelection`.
 * - `resolveTargets(selection, { sts, organizations })` returns `{ caller, targets }`:
 *   - nothing selected: the caller's own account only (STS GetCallerIdentity), own credentials;
 *   - `--org`: the caller's own account first (own credentials), then every other ACTIVE account from
 *     Organizations ListAccounts (management account or delegated administrator), each reached through
 *     `arn:<partition>:iam::<id>:role/<roleName>`;
 *   - `--account ID` (repeatable): exactly those accounts; the caller's own account, if named, with its
 *     own credentials.
 *   A refused, failing or empty ListAccounts throws `TargetListingError` (nothing to scan is known).
 * - `assumeRoleCredentials(sts, roleArn, options)`: a memoizing credentials provider (AssumeRole with
 *   an optional external id), assumed again 5 minutes before expiry. It fails lazily, on first use, so
 *   `fan-out.ts` can report a role that cannot be assumed per account instead of stopping the run.
 *
 * The partition comes from the caller's ARN (`arn:aws-us-gov:...`), never hard-coded.
 */
import { ListAccountsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** Bad combination or value of the account flags: the command exits with its usage status. */
export class TargetSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetSelectionError';
  }
}

/** The account list could not be read (Organizations refused, or the account is not in an organization). */
export class TargetListingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TargetListingError';
  }
}

export interface TargetSelection {
  /** Every ACTIVE account of the organization. */
  readonly org: boolean;
  /** Explicit account ids (12 digits), deduplicated, in the order given. */
  readonly accounts: readonly string[];
  /** Role to assume in every account but the caller's own (name, optionally with a path: `ops/ReadOnly`). */
  readonly roleName?: string;
  readonly externalId?: string;
  /** RoleSessionName, visible in the member accounts' CloudTrail. @default 'imdsv2-guard' */
  readonly sessionName?: string;
}

export interface CallerIdentity {
  readonly accountId: string;
  readonly arn: string;
  readonly partition: string;
}

export interface AccountTarget {
  readonly accountId: string;
  /** The account's name from Organizations (with --org). */
  readonly name?: string;
  /** The caller's own account, reached with the caller's credentials. */
  readonly self: boolean;
  /** The role assumed to reach this account; undefined for the caller's own. */
  readonly roleArn?: string;
  /** Credentials for SDK clients in this account; undefined: the caller's own chain. */
  readonly credentials?: AwsCredentialIdentityProvider;
}

const ACCOUNT_ID = /^\d{12}$/;
// IAM: role names are 1-64 of [\w+=,.@-]; a path is /-separated segments of the same characters.
const ROLE_NAME = /^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
// STS AssumeRole ExternalId: 2-1224 characters of [\w+=,.@:/-].
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** Validates the account flags. Nothing selected = the caller's own account only (the single-account scan). */
export function parseTargetSelection(input: {
  readonly org?: boolean;
  readonly accounts?: readonly string[];
  readonly roleName?: string;
  readonly externalId?: string;
}): TargetSelection {
  const org = input.org === true;
  const accounts = [...new Set((input.accounts ?? []).flatMap((a) => a.split(',')).map((a) => a.trim()).filter((a) => a !== ''))];
  for (const a of accounts) {
    if (!ACCOUNT_ID.test(a)) throw new TargetSelectionError(`--account: "${a}" is not an AWS account id (12 digits)`);
  }
  if (org && accounts.length > 0) throw new TargetSelectionError('--org and --account contradict each other: --org already lists every active account');
  const roleName = input.roleName?.trim().replace(/^\/+/, '');
  if (roleName !== undefined && !ROLE_NAME.test(roleName)) {
    throw new TargetSelectionError(`--role-name: "${input.roleName}" is not an IAM role name (1-64 of letters, digits and +=,.@_-, optionally after a path)`);
  }
  if ((org || accounts.length > 0) && roleName === undefined) {
    throw new TargetSelectionError(`${org ? '--org' : '--account'} needs --role-name: the role to assume in each account`);
  }
  if (roleName !== undefined && !org && accounts.length === 0) throw new TargetSelectionError('--role-name only applies with --org or --account');
  const externalId = input.externalId;
  if (externalId !== undefined) {
    if (roleName === undefined) throw new TargetSelectionError('--external-id only applies with --role-name');
    if (!EXTERNAL_ID.test(externalId)) throw new TargetSelectionError('--external-id: expected 2-1224 characters of letters, digits and +=,.@:/_-');
  }
  return { org, accounts, roleName, externalId };
}

/** True when the selection reaches beyond the caller's own account. */
export function isMultiAccount(selection: TargetSelection): boolean {
  return selection.org || selection.accounts.length > 0;
}

export function roleArnFor(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** `aws`, `aws-us-gov`, `aws-cn`... from any ARN; `aws` when the ARN cannot be read. */
export function partitionOf(arn: string): string {
  const m = /^arn:([a-z0-9-]+):/.exec(arn);
  return m ? m[1] : 'aws';
}

export async function callerIdentity(sts: STSClient): Promise<CallerIdentity> {
  const out = await sts.send(new GetCallerIdentityCommand({}));
  if (!out.Account || !out.Arn) throw new Error('GetCallerIdentity returned no account');
  return { accountId: out.Account, arn: out.Arn, partition: partitionOf(out.Arn) };
}

const REFRESH_MS = 5 * 60_000;

/**
 * Credentials of `roleArn`, assumed with `sts` (the caller's credentials). Memoized; assumed again
 * 5 minutes before they expire (a long organization scan can outlast the default hour).
 * Concurrent first calls share one AssumeRole; a failure is not cached.
 */
export function assumeRoleCredentials(
  sts: STSClient,
  roleArn: string,
  options: { readonly externalId?: string; readonly sessionName?: string; readonly now?: () => number } = {},
): AwsCredentialIdentityProvider {
  const now = options.now ?? Date.now;
  let current: Promise<AwsCredentialIdentity> | undefined;
  let settled = false;
  let expires = 0;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: options.sessionName ?? 'imdsv2-guard', ExternalId: options.externalId }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
    expires = c.Expiration ? c.Expiration.getTime() : now() + 15 * 60_000;
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
  return () => {
    // Reuse an AssumeRole in flight; assume again only once the last credentials are close to expiry.
    if (!current || (settled && now() > expires - REFRESH_MS)) {
      settled = false;
      const attempt = assume();
      current = attempt;
      attempt.then(
        () => {
          if (current === attempt) settled = true;
        },
        () => {
          if (current === attempt) current = undefined;
        },
      );
    }
    return current;
  };
}

/** Every ACTIVE account of the organization, in ListAccounts order (paged). */
export async function listActiveAccounts(organizations: OrganizationsClient): Promise<Array<{ id: string; name?: string }>> {
  const out: Array<{ id: string; name?: string }> = [];
  let token: string | undefined;
  do {
    const page = await organizations.send(new ListAccountsCommand({ NextToken: token }));
    for (const a of page.Accounts ?? []) {
      // `State` replaces the deprecated `Status`; read either (ACTIVE in both).
      const state = (a as { State?: string }).State ?? a.Status;
      if (a.Id && state === 'ACTIVE') out.push({ id: a.Id, name: a.Name });
    }
    token = page.NextToken;
  } while (token);
  return out;
}

export interface TargetClients {
  /** STS with the caller's own credentials, in the home region (regional endpoint: tokens valid in opt-in regions). */
  readonly sts: STSClient;
  /** Only called with --org. */
  readonly organizations: () => OrganizationsClient;
}

/**
 * The caller and the accounts to work on. Errors from GetCallerIdentity propagate as they are (the
 * command reports bad credentials its own way); a failing ListAccounts becomes TargetListingError.
 */
export async function resolveTargets(selection: TargetSelection, clients: TargetClients): Promise<{ caller: CallerIdentity; targets: AccountTarget[] }> {
  const caller = await callerIdentity(clients.sts);
  const self: AccountTarget = { accountId: caller.accountId, self: true };
  if (!isMultiAccount(selection)) return { caller, targets: [self] };

  const roleName = selection.roleName!;
  const member = (accountId: string, name?: string): AccountTarget => {
    const roleArn = roleArnFor(caller.partition, accountId, roleName);
    return {
      accountId,
      name,
      self: false,
      roleArn,
      credentials: assumeRoleCredentials(clients.sts, roleArn, { externalId: selection.externalId, sessionName: selection.sessionName }),
    };
  };

  if (!selection.org) return { caller, targets: selection.accounts.map((id) => (id === caller.accountId ? self : member(id))) };

  let accounts: Array<{ id: string; name?: string }>;
  try {
    accounts = await listActiveAccounts(clients.organizations());
  } catch (e) {
    const name = (e as { name?: string })?.name ?? '';
    const why =
      name === 'AWSOrganizationsNotInUseException'
        ? `account ${caller.accountId} is not in an organization`
        : name === 'AccessDeniedException' || name === 'AccessDenied'
          ? `${caller.arn} may not call organizations:ListAccounts: run --org from the management account or a delegated administrator account, or name accounts with --account`
          : `organizations:ListAccounts failed: ${name ? `${name}: ` : ''}${(e as Error)?.message ?? String(e)}`;
    throw new TargetListingError(`cannot list the organization's accounts: ${why}`, { cause: e });
  }
  // AWS refuses ListAccounts outside an organization; an empty answer is no list to trust either.
  if (accounts.length === 0) {
    throw new TargetListingError(
      `cannot list the organization's accounts: organizations:ListAccounts returned no active account (is ${caller.accountId} in an organization?)`,
    );
  }
  // The caller's own account first, scanned with its own credentials (no role needed there).
  const own = accounts.find((a) => a.id === caller.accountId);
  return {
    caller,
    targets: [{ ...self, name: own?.name }, ...accounts.filter((a) => a.id !== caller.accountId).map((a) => member(a.id, a.name))],
  };
}
