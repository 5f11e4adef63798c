import type { RuleContext } from '../../lambda/kit/rule-module';
import { rule as accountDefaultsRule } from '../../lambda/rules/imdsv2-account-defaults/handler';
import { RESOURCE_ADAPTERS, type ResourceAdapter } from './adapters';
import type { ScanParameters } from './args';
import type { RegionClients } from './clients';
import { actionOf, classifyError, rootCause, toScanAbort } from './errors';
import type { Progress } from './progress';
import { KIND_LABELS, needsWork, type Finding } from './report';
import { metadataNoTokenSums } from './usage';

export interface ScanPlan {
  readonly regions: readonly string[];
  readonly accountId: string;
  readonly parameters: ScanParameters;
  readonly ownerTag: string;
  /** Sum MetadataNoToken over this many days for the instances listed; undefined: no usage. */
  readonly usageDays?: number;
  /** Whether every resource is listed (then usage is read for every instance, not only those to fix). */
  readonly listAll: boolean;
  /** Regions scanned at once. */
  readonly concurrency: number;
  readonly now: Date;
  /** Set when calls go to a custom endpoint: explains an account default it cannot answer. */
  readonly endpointUrl?: string;
}

/** Rule steps per region: four resource rules and the account default. */
export const STEPS_PER_REGION = RESOURCE_ADAPTERS.length + 1;

interface Pending extends Finding {
  readonly memberInstanceIds?: readonly string[];
}

/** Pages through one rule's resources with the rule's own listPages and judges each with its own evaluate. */
async function scanResourceRule<P, S>(
  adapter: ResourceAdapter<P, S>,
  clients: RegionClients,
  plan: ScanPlan,
  progress: Progress,
): Promise<Pending[]> {
  const params = adapter.params(plan.parameters);
  const ctx: RuleContext<P> = { clients: clients.rules, params, region: clients.region, accountId: plan.accountId };
  const { rule } = adapter;
  const out: Pending[] = [];
  const seen = new Set<string>();
  progress.activity(clients.region, `${KIND_LABELS[adapter.kind]}s`);
  for await (const page of rule.listPages(ctx)) {
    for (const subject of page) {
      const id = rule.resourceIdOf(subject);
      // As in the rule's sweep: a resource listed twice (it moved between pages) counts once.
      if (seen.has(id)) continue;
      seen.add(id);
      const verdict = rule.evaluate(subject, params, plan.now);
      const { memberInstanceIds, ...facts } = adapter.facts(subject, plan.ownerTag);
      out.push({
        ...facts,
        id,
        kind: adapter.kind,
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
 * The region's account default, judged by the account rule. A refused call stops the scan like any
 * other access error; any other failure (an endpoint that does not implement the call) becomes an
 * UNKNOWN finding for the region, so the rest of the report still comes out.
 */
async function scanAccountDefaults(clients: RegionClients, plan: ScanPlan, progress: Progress): Promise<Finding> {
  const params = plan.parameters.accountDefaults;
  const ctx = { clients: clients.rules, params, region: clients.region, accountId: plan.accountId };
  const base = {
    id: plan.accountId,
    name: 'instance metadata defaults',
    display: plan.accountId,
    kind: 'account-default' as const,
    resourceType: accountDefaultsRule.definition.resourceType,
    rule: accountDefaultsRule.definition.id,
    region: clients.region,
  };
  progress.activity(clients.region, 'account default');
  let finding: Finding;
  try {
    const subject = await accountDefaultsRule.load(ctx);
    const verdict = accountDefaultsRule.evaluate(subject, params, plan.now);
    finding = { ...base, verdict: verdict.complianceType, annotation: verdict.annotation, hopLimit: subject.hopLimit };
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
      annotation: `Could not read the account default (${actionOf(e) ?? 'ec2:GetInstanceMetadataDefaults'} failed${what ? `: ${what}` : ''}).${hint}`,
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

async function scanRegion(clients: RegionClients, plan: ScanPlan, progress: Progress): Promise<Finding[]> {
  const started = Date.now();
  // Every rule of the region at once: they call different APIs, whose rate limits are separate.
  // The first failure ends the region (and the scan); the caller destroys the clients in flight.
  let pending: Pending[];
  try {
    const lists = await Promise.all([
      ...RESOURCE_ADAPTERS.map((a) => scanResourceRule(a, clients, plan, progress)),
      scanAccountDefaults(clients, plan, progress).then((f) => [f as Pending]),
    ]);
    pending = lists.flat();
  } catch (e) {
    throw toScanAbort(e, clients.region);
  }

  const profiles = new Map(pending.filter((f) => f.kind === 'instance').map((f) => [f.id, f.instanceProfile] as const));
  let findings: Finding[] = pending.map(({ memberInstanceIds, ...f }) =>
    f.kind === 'auto-scaling-group' ? { ...f, instanceProfile: groupProfile(memberInstanceIds, profiles) } : f,
  );

  if (plan.usageDays !== undefined) {
    progress.activity(clients.region, 'MetadataNoToken usage');
    const wanted = findings.filter((f) => f.kind === 'instance' && (plan.listAll || needsWork(f)) && f.verdict !== 'NOT_APPLICABLE');
    try {
      const sums = wanted.length > 0 ? await metadataNoTokenSums(clients.cloudwatch, wanted.map((f) => f.id), plan.usageDays, plan.now) : new Map();
      findings = findings.map((f) => (sums.has(f.id) && f.kind === 'instance' ? { ...f, metadataNoToken: sums.get(f.id) ?? null } : f));
    } catch (e) {
      throw toScanAbort(e, clients.region);
    }
    progress.stepDone();
  }

  const count = (kind: Finding['kind']) => findings.filter((f) => f.kind === kind).length;
  progress.regionDone(
    clients.region,
    [
      ['instance', count('instance')],
      ['launch template', count('launch-template')],
      ['launch configuration', count('launch-configuration')],
      ['Auto Scaling group', count('auto-scaling-group')],
    ],
    Date.now() - started,
  );
  return findings;
}

/**
 * Runs `fn` over items, at most `limit` at a time. The first failure rejects at once (a missing
 * permission should not wait for other regions to finish) and stops new items from starting.
 */
function eachLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  return new Promise<R[]>((resolve, reject) => {
    const out = new Array<R>(items.length);
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (!failed && next < items.length) {
        const i = next++;
        try {
          out[i] = await fn(items[i]);
        } catch (error) {
          if (!failed) reject(error);
          failed = true;
        }
      }
    };
    void Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker)).then(() => {
      if (!failed) resolve(out);
    });
  });
}

/** Scans every region of the plan, `concurrency` regions at a time. Findings come back unranked. */
export async function scanRegions(plan: ScanPlan, clientsFor: (region: string) => RegionClients, progress: Progress): Promise<Finding[]> {
  const steps = plan.regions.length * (STEPS_PER_REGION + (plan.usageDays !== undefined ? 1 : 0));
  progress.start(steps, plan.regions.length);
  const perRegion = await eachLimited(plan.regions, plan.concurrency, (region) => scanRegion(clientsFor(region), plan, progress));
  return perRegion.flat();
}
