/**
 * What `doctor` found, per account and region: one result per check, each problem with the command
 * that fixes it. `ok` and `warn` leave a target ready; `fail` (detection is not working there) and
 * `unknown` (the check could not be made, e.g. access denied) do not: a region we could not see is
 * not reported as ready.
 */

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'unknown';

export interface CheckResult {
  /** Stable id: `config-recorder`, `recorder-status`, `delivery-channel`, `rule:<rule id>`, `remediation`, `security-hub`, `account-default`, `http-tokens-enforced`. */
  readonly check: string;
  readonly status: CheckStatus;
  /** One line: what was found. */
  readonly detail: string;
  /** The command (or the step) that fixes it; present for every status but `ok`. */
  readonly fix?: string;
}

export interface TargetReport {
  readonly accountId: string;
  readonly region: string;
  readonly checks: readonly CheckResult[];
}

/** One StackSet instance, as ListStackInstances lists it. */
export interface StackInstanceRow {
  readonly accountId: string;
  readonly region: string;
  readonly organizationalUnitId?: string;
  /** CURRENT, OUTDATED or INOPERABLE. */
  readonly status: string;
  /** SUCCEEDED, FAILED, CANCELLED, PENDING, RUNNING, INOPERABLE, SKIPPED_SUSPENDED_ACCOUNT, FAILED_IMPORT. */
  readonly detailedStatus?: string;
  readonly statusReason?: string;
  readonly driftStatus?: string;
  readonly lastOperationId?: string;
  readonly ok: boolean;
  readonly fix?: string;
}

export interface StackSetReport {
  readonly name: string;
  readonly region: string;
  readonly instances: readonly StackInstanceRow[];
  /** Why the listing could not be read, if it could not. */
  readonly error?: string;
  readonly fix?: string;
}

export interface DoctorReport {
  readonly generatedAt: Date;
  readonly targets: readonly TargetReport[];
  readonly stackSet?: StackSetReport;
}

/** A problem as listed at the end of the table and in the JSON: everything not `ok`. */
export interface Problem {
  readonly accountId: string;
  readonly region: string;
  readonly check: string;
  readonly status: Exclude<CheckStatus, 'ok'>;
  readonly detail: string;
  readonly fix?: string;
}

export const isReady = (t: TargetReport): boolean => t.checks.every((c) => c.status === 'ok' || c.status === 'warn');

export function problemsOf(report: DoctorReport): Problem[] {
  const out: Problem[] = [];
  for (const t of report.targets) {
    for (const c of t.checks) {
      if (c.status !== 'ok') out.push({ accountId: t.accountId, region: t.region, check: c.check, status: c.status, detail: c.detail, fix: c.fix });
    }
  }
  const s = report.stackSet;
  if (s?.error) out.push({ accountId: '-', region: s.region, check: `stack-set:${s.name}`, status: 'unknown', detail: s.error, fix: s.fix });
  for (const i of s?.instances ?? []) {
    if (!i.ok) {
      const detail = `stack instance ${i.status}${i.detailedStatus ? `/${i.detailedStatus}` : ''}${i.statusReason ? `: ${i.statusReason}` : ''}`;
      out.push({ accountId: i.accountId, region: i.region, check: `stack-set:${s!.name}`, status: 'fail', detail, fix: i.fix });
    }
  }
  return out;
}

/** 0 when every target is ready and every StackSet instance is current; 1 otherwise. */
export function exitCodeFor(report: DoctorReport): 0 | 1 {
  const stackSetOk = !report.stackSet || (!report.stackSet.error && report.stackSet.instances.every((i) => i.ok));
  return report.targets.every(isReady) && stackSetOk ? 0 : 1;
}
