import { ListStackInstancesCommand, type CallAs, type CloudFormationClient, type StackInstanceSummary } from '@aws-sdk/client-cloudformation';
import { actionOf, classifyError, rootCause, toScanAbort } from '../scan/errors';
import type { StackInstanceRow, StackSetReport } from './report';

export interface StackSetQuery {
  readonly name: string;
  /** The StackSet's own region (where it was created). */
  readonly region: string;
  readonly callAs: CallAs;
}

/**
 * The retry command for one failed instance. A service-managed StackSet targets OUs, so the account
 * is named through the OU with AccountFilterType INTERSECTION; UpdateStackInstances with no parameter
 * overrides re-runs the instance with the StackSet's current template and values.
 */
function retryCommand(q: StackSetQuery, i: StackInstanceSummary): string {
  const targets = i.OrganizationalUnitId
    ? `OrganizationalUnitIds=${i.OrganizationalUnitId},Accounts=${i.Account},AccountFilterType=INTERSECTION`
    : `Accounts=${i.Account}`;
  const callAs = q.callAs === 'SELF' ? '' : ` --call-as ${q.callAs}`;
  return `aws cloudformation update-stack-instances --stack-set-name ${q.name} --deployment-targets ${targets} --regions ${i.Region} --region ${q.region}${callAs}`;
}

/** What to do about an instance that is not current, from its status and reason. */
function fixFor(q: StackSetQuery, i: StackInstanceSummary): string {
  const reason = i.StatusReason ?? '';
  const retry = retryCommand(q, i);
  if (i.Status === 'INOPERABLE') {
    return `a failed delete left it unstable: aws cloudformation delete-stack-instances --stack-set-name ${q.name} --deployment-targets ${i.OrganizationalUnitId ? `OrganizationalUnitIds=${i.OrganizationalUnitId},Accounts=${i.Account},AccountFilterType=INTERSECTION` : `Accounts=${i.Account}`} --regions ${i.Region} --retain-stacks --region ${q.region}, then delete the stack in the account`;
  }
  if (i.StackInstanceStatus?.DetailedStatus === 'SKIPPED_SUSPENDED_ACCOUNT') return 'the account is suspended: nothing to deploy until it is reinstated';
  if (/configuration recorder|NoAvailableConfigurationRecorder/i.test(reason)) {
    return `turn on AWS Config recording in ${i.Account}/${i.Region} (imdsv2-guard doctor in that account shows the command), then ${retry}`;
  }
  return `fix the cause in the reason above (the stack's events in ${i.Account}/${i.Region} have the details), then ${retry}`;
}

export function stackInstanceRow(q: StackSetQuery, i: StackInstanceSummary): StackInstanceRow {
  const detailed = i.StackInstanceStatus?.DetailedStatus;
  // CURRENT with SUCCEEDED is deployed; an operation in flight (PENDING, RUNNING) is not a failure yet
  // but not covered yet either, so it is not ok.
  const ok = i.Status === 'CURRENT' && (detailed === undefined || detailed === 'SUCCEEDED');
  return {
    accountId: i.Account ?? '?',
    region: i.Region ?? '?',
    organizationalUnitId: i.OrganizationalUnitId,
    status: i.Status ?? 'UNKNOWN',
    detailedStatus: detailed,
    statusReason: i.StatusReason,
    driftStatus: i.DriftStatus,
    lastOperationId: i.LastOperationId,
    ok,
    ...(ok ? {} : { fix: detailed === 'PENDING' || detailed === 'RUNNING' ? 'an operation is in progress: run doctor again when it ends' : fixFor(q, i) }),
  };
}

/** Lists the StackSet's instances (every page), one row per account and region. */
export async function stackSetStatus(client: CloudFormationClient, q: StackSetQuery): Promise<StackSetReport> {
  const instances: StackInstanceRow[] = [];
  try {
    let NextToken: string | undefined;
    do {
      const page = await client.send(new ListStackInstancesCommand({ StackSetName: q.name, CallAs: q.callAs, NextToken, MaxResults: 100 }));
      for (const i of page.Summaries ?? []) instances.push(stackInstanceRow(q, i));
      NextToken = page.NextToken;
    } while (NextToken);
  } catch (e) {
    const kind = classifyError(e);
    if (kind === 'bad-credentials' || kind === 'no-credentials' || kind === 'no-region') throw toScanAbort(e, q.region);
    const cause = rootCause(e) as { name?: string; message?: string };
    const notFound = cause?.name === 'StackSetNotFoundException';
    return {
      name: q.name,
      region: q.region,
      instances,
      error: notFound ? `no StackSet "${q.name}" in ${q.region}${q.callAs === 'SELF' ? ' owned by this account' : ''}` : `${actionOf(e) ?? 'cloudformation:ListStackInstances'} failed in ${q.region}: ${cause?.message ?? String(cause)}`,
      fix: notFound
        ? `check the name and region (imdsv2-guard:management:stackSetName, :region); from a delegated administrator add --call-as DELEGATED_ADMIN`
        : kind === 'denied'
          ? 'grant cloudformation:ListStackInstances to the identity doctor runs as'
          : 'run doctor again',
    };
  }
  instances.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region));
  return { name: q.name, region: q.region, instances };
}
