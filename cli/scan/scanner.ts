import type { RuleContext } from '../../lambda/kit/rule-module';
import { RULE_ENTRIES } from '../../lambda/rules/catalog';
import type { AccountScan, ResourceScan } from '../../lambda/rules/common/rule-entry';
import type { ScanParameters } from './args';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { fanOut, type TargetOutcome } from '../org/fan-out';
import type { AccountTarget } from '../org/targets';
import type { RegionClients } from './clients';
import { actionOf, classifyError, rootCause } from './errors';
import type { Progress } from './progress';
import { needsWork, type Finding, type ResourceKind } from './report';
import { metadataNoTokenSums } from './usage';

export interface ScanPlan {
  readonly parameters: ScanParameters;
  readonly ownerTag: string;
  /** Sum MetadataNoToken over this many days for the instances listed; undefined: no usage. */
  readonly usageDays?: number;
  /** Whether every resource is listed (then usage is read for every instance, not only those to fix). */
  readonly listAll: boolean;
  /** Account × region targets scanned at once (each runs its rules in parallel). */
  readonly concurrency: number;
  readonly now: Date;
  /** Set when calls go to a custom endpoint: explains an account default it cannot answer. */
  readonly endpointUrl?: string;
}

/** Rule steps per region: one per rule of the catalog. */
export const STEPS_PER_REGION = RULE_ENTRIES.length;

interface Pending extends Finding {
  readonly memberInstanceIds?: readonly string[];
}

/** Pages through one rule's resources with the rule's own listPages and judges each with its own evaluate. */
async function scanResourceRule<P, S>(
  scan: ResourceScan<P, S, ResourceKind>,
  params: P,
  clients: RegionClients,
  accountId: string,
  plan: ScanPlan,
  progress: Progress,
): Promise<Pending[]> {
  const ctx: RuleContext<P> = { clients: clients.rules, params, region: clients.region, accountId };
  const rule = scan.rule();
  const out: Pending[] = [];
  const seen = new Set<string>();
  progress.activity(clients.region, `${scan.label}s`);
  for await (const page of rule.listPages(ctx)) {
    for (const subject of page) {
      const id = rule.resourceIdOf(subject);
      // As in the rule's sweep: a resource listed twice (it moved between pages) counts once.
      if (seen.has(id)) continue;
      seen.add(id);
      const verdict = rule.evaluate(subject, params, plan.now);
      const { memberInstanceIds, ...facts } = scan.facts(subject, plan.ownerTag);
      out.push({
        ...facts,
        id,
        accountId,
        kind: scan.kind,
        resourceType: rule.definition.resourceType,
        rule: rule.definition.id,
        region: clients.region,
        verdict: verdict.complianceType,
        annotation: verdict.annotation,
        memberInstanceIds,
      });
    }
    progress.resources(page.length);
  }
  progress.stepDone();
  return out;
}

/**
 * An account-level rule's subject for the region (the account default), judged by the rule. A refused
 * call fails the region like any other refused call; any other failure (an endpoint that does not
 * implement the call) becomes an UNKNOWN finding for the region, so the rest of the report still comes out.
 */
async function scanAccountRule<P, S>(
  scan: AccountScan<P, S, ResourceKind>,
  params: P,
  clients: RegionClients,
  accountId: string,
  plan: ScanPlan,
  progress: Progress,
): Promise<Finding> {
  const rule = scan.rule();
  const ctx: RuleContext<P> = { clients: clients.rules, params, region: clients.region, accountId };
  const base = {
    id: accountId,
    accountId,
    name: scan.name,
    display: accountId,
    kind: scan.kind,
    resourceType: rule.definition.resourceType,
    rule: rule.definition.id,
    region: clients.region,
  };
  progress.activity(clients.region, scan.label);
  let finding: Finding;
  try {
    const subject = await rule.load(ctx);
    const verdict = rule.evaluate(subject, params, plan.now);
    finding = { ...base, verdict: verdict.complianceType, annotation: verdict.annotation, ...scan.facts(subject) };
  } catch (e) {
    if (classifyError(e) !== 'other') throw e;
    const cause = rootCause(e) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = cause?.$metadata?.httpStatusCode;
    const name = cause?.name && cause.name !== 'Error' ? cause.name : undefined;
    const what = [name, status ? `HTTP ${status}` : undefined].filter(Boolean).join(', ');
    const hint = plan.endpointUrl ? ` The endpoint ${plan.endpointUrl} may not implement it (moto does not).` : '';
    finding = {
      ...base,
      verdict: 'UNKNOWN',
      annotation: `Could not read the ${scan.label} (${actionOf(e) ?? scan.readAction} failed${what ? `: ${what}` : ''}).${hint}`,
    };
  }
  progress.resources(1);
  progress.stepDone();
  return finding;
}

/** An Auto Scaling group stands for its instances' role: it has a profile when any of its instances does. */
function groupProfile(memberIds: readonly string[] | undefined, profiles: ReadonlyMap<string, boolean | undefined>): boolean | undefined {
  const known = (memberIds ?? []).map((id) => profiles.get(id)).filter((p): p is boolean => p !== undefined);
  if (known.length === 0) return undefined;
  return known.some(Boolean);
}

/**
 * One account's region: every rule at once (they call different APIs, whose rate limits are
 * separate). Throws the first failure as it came from the SDK: the fan-out classifies it and marks
 * this account/region not scanned; the caller destroys the clients still in flight.
 */
export async function scanRegion(clients: RegionClients, accountId: string, plan: ScanPlan, progress: Progress, label = clients.region): Promise<Finding[]> {
  const started = Date.now();
  const lists = await Promise.all(
    RULE_ENTRIES.map(({ definition, scan }) => {
      const params = plan.parameters[definition.id];
      return scan.scope === 'resource'
        ? scanResourceRule(scan, params, clients, accountId, plan, progress)
        : scanAccountRule(scan, params, clients, accountId, plan, progress).then((f): Pending[] => [f]);
    }),
  );
  const pending = lists.flat();

  const profiles = new Map(pending.filter((f) => f.kind === 'instance').map((f) => [f.id, f.instanceProfile] as const));
  let findings: Finding[] = pending.map(({ memberInstanceIds, ...f }) =>
    memberInstanceIds !== undefined ? { ...f, instanceProfile: groupProfile(memberInstanceIds, profiles) } : f,
  );

  if (plan.usageDays !== undefined) {
    progress.activity(label, 'MetadataNoToken usage');
    const wanted = findings.filter((f) => f.kind === 'instance' && (plan.listAll || needsWork(f)) && f.verdict !== 'NOT_APPLICABLE');
    const sums = wanted.length > 0 ? await metadataNoTokenSums(clients.cloudwatch, wanted.map((f) => f.id), plan.usageDays, plan.now) : new Map();
    findings = findings.map((f) => (sums.has(f.id) && f.kind === 'instance' ? { ...f, metadataNoToken: sums.get(f.id) ?? null } : f));
    progress.stepDone();
  }

  const count = (kind: Finding['kind']) => findings.filter((f) => f.kind === kind).length;
  progress.regionDone(
    label,
    RULE_ENTRIES.flatMap(({ scan }) => (scan.scope === 'resource' ? [[scan.label, count(scan.kind)] as [string, number]] : [])),
    Date.now() - started,
  );
  return findings;
}

/** Steps of one account/region, for the progress display. */
export function stepsPerTarget(plan: ScanPlan): number {
  return STEPS_PER_REGION + (plan.usageDays !== undefined ? 1 : 0);
}

export interface TargetsScan {
  /** Every resource of every account/region scanned, unranked. */
  readonly findings: Finding[];
  /** One per account × region: scanned, or failed with the reason and fix. */
  readonly outcomes: TargetOutcome[];
}

/**
 * Scans every account × region, `plan.concurrency` at a time, with one progress display. A target
 * that fails (role not assumable, region not enabled, refused call) is reported in `outcomes` and the
 * rest goes on. `regions` is one list for every account, or each account's own (`--region all`).
 */
export async function scanTargets(
  plan: ScanPlan,
  targets: readonly AccountTarget[],
  regions: readonly string[] | ((account: AccountTarget) => Promise<readonly string[]>),
  clientsFor: (region: string, credentials: AwsCredentialIdentityProvider | undefined) => RegionClients,
  progress: Progress,
  /** Runs before a target's scan; throwing fails the target (e.g. a region the account has not enabled). */
  before?: (accountId: string, region: string) => Promise<void>,
  /** Called with a target's clients once it is done (scanned or failed). */
  release?: (clients: RegionClients) => void,
): Promise<TargetsScan> {
  const multi = targets.length > 1 || targets.some((t) => !t.self);
  const label = (accountId: string, region: string) => (multi ? `${accountId} ${region}` : region);
  const steps = stepsPerTarget(plan);
  const listed = typeof regions === 'function'
    ? async (account: AccountTarget) => {
        const mine = await regions(account);
        progress.start(mine.length * steps, mine.length);
        return mine;
      }
    : regions;
  if (typeof regions !== 'function') progress.start(targets.length * regions.length * steps, targets.length * regions.length);
  const { outcomes, results } = await fanOut(
    targets,
    listed,
    async ({ account, region, credentials }) => {
      await before?.(account.accountId, region);
      const clients = clientsFor(region, credentials);
      try {
        return await scanRegion(clients, account.accountId, plan, progress, label(account.accountId, region));
      } finally {
        release?.(clients);
      }
    },
    {
      concurrency: plan.concurrency,
      onOutcome: (o) => {
        if (o.status === 'failed') progress.targetFailed(label(o.accountId, o.region), o.reason ?? 'failed');
      },
    },
  );
  return { findings: results.flatMap((r) => r.value), outcomes };
}
