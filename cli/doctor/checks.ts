import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeConfigRuleEvaluationStatusCommand,
  DescribeConfigRulesCommand,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
  DescribeRemediationConfigurationsCommand,
  type ConfigRule,
  type ConfigRuleEvaluationStatus,
} from '@aws-sdk/client-config-service';
import { GetInstanceMetadataDefaultsCommand } from '@aws-sdk/client-ec2';
import { DescribeHubCommand } from '@aws-sdk/client-securityhub';
import { chunk } from '../../lambda/kit/concurrency';
import type { RuleDefinition } from '../../lambda/kit/rule-definition';
import { actionOf, classifyError, rootCause } from '../scan/errors';
import type { TargetClients } from './clients';
import {
  findRules,
  judgeAccountDefaults,
  judgeDeliveryChannel,
  judgeRecorder,
  judgeRecorderStatus,
  judgeRemediation,
  judgeRule,
  judgeSecurityHub,
  type FunctionActivity,
  type Where,
} from './judge';
import type { CheckResult, TargetReport } from './report';

export interface DoctorOptions {
  /** The rules expected here (default: every rule of the catalog). */
  readonly rules: ReadonlyArray<RuleDefinition<unknown>>;
  /** `imdsv2-guard:ruleNamePrefix` of the deployment. */
  readonly ruleNamePrefix: string;
  /** false: Security Hub off is a warning, not a problem. */
  readonly requireSecurityHub: boolean;
  readonly now: Date;
}

/** How far back the function metrics are read: a day's periodic run plus an hour of slack. */
export const ACTIVITY_HOURS = 25;

const message = (e: unknown): string => {
  const c = rootCause(e) as { name?: string; message?: string } | undefined;
  const text = (c?.message ?? String(c)).trim();
  return c?.name && c.name !== 'Error' && !text.startsWith(c.name) ? `${c.name}: ${text}` : text;
};

/**
 * A check that could not be made: `unknown` (the target is not reported ready), naming the refused
 * action. Credentials that do not work at all fail the whole target instead (the fan-out reports it
 * with its reason and fix): nothing could be seen there.
 */
function unknown(check: string, e: unknown, where: Where): CheckResult {
  const kind = classifyError(e);
  if (kind === 'bad-credentials' || kind === 'no-credentials' || kind === 'no-region') throw e;
  const action = actionOf(e) ?? 'an AWS call';
  if (kind === 'denied') {
    return {
      check,
      status: 'unknown',
      detail: `access denied for ${action} in ${where.region}: ${message(e)}`,
      fix: `grant ${action} to the identity doctor runs as (the AWS managed policy ReadOnlyAccess covers every call doctor makes)`,
    };
  }
  return { check, status: 'unknown', detail: `${action} failed in ${where.region}: ${message(e)}`, fix: 'run doctor again; if it persists, check the service health in this region' };
}

async function attempt<T>(fn: () => Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await fn() };
  } catch (error) {
    return { error };
  }
}

async function allConfigRules(c: TargetClients): Promise<ConfigRule[]> {
  const out: ConfigRule[] = [];
  let NextToken: string | undefined;
  do {
    const page = await c.config.send(new DescribeConfigRulesCommand({ NextToken }));
    out.push(...(page.ConfigRules ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

async function evaluationStatuses(c: TargetClients, names: readonly string[]): Promise<ConfigRuleEvaluationStatus[]> {
  const out: ConfigRuleEvaluationStatus[] = [];
  // At most 25 names a call (the API's ConfigRuleNames limit); paged besides.
  for (const group of chunk(names, 25)) {
    let NextToken: string | undefined;
    do {
      const page = await c.config.send(new DescribeConfigRuleEvaluationStatusCommand({ ConfigRuleNames: group, NextToken }));
      out.push(...(page.ConfigRulesEvaluationStatus ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return out;
}

/** The function name from a rule's SourceIdentifier (a Lambda ARN, possibly with a version). */
export function functionNameOf(arn: string | undefined): string | undefined {
  return arn ? /:function:([^:]+)/.exec(arn)?.[1] ?? undefined : undefined;
}

async function functionActivity(c: TargetClients, functionName: string, now: Date): Promise<FunctionActivity> {
  const start = new Date(now.getTime() - ACTIVITY_HOURS * 3_600_000);
  const query = (id: string, metric: string) => ({
    Id: id,
    MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: functionName }] }, Period: ACTIVITY_HOURS * 3600, Stat: 'Sum' },
  });
  const out = await c.cloudwatch.send(
    new GetMetricDataCommand({ StartTime: start, EndTime: now, MetricDataQueries: [query('invocations', 'Invocations'), query('errors', 'Errors')] }),
  );
  const sum = (id: string) => (out.MetricDataResults ?? []).filter((r) => r.Id === id).flatMap((r) => r.Values ?? []).reduce((a, b) => a + b, 0);
  return { hours: ACTIVITY_HOURS, invocations: sum('invocations'), errors: sum('errors') };
}

/** Security Hub's hub, or undefined when the account is not subscribed in this region. */
async function hub(c: TargetClients): Promise<{ hubArn?: string; subscribedAt?: string } | undefined> {
  try {
    const out = await c.securityHub.send(new DescribeHubCommand({}));
    return { hubArn: out.HubArn, subscribedAt: out.SubscribedAt };
  } catch (e) {
    // Not subscribed: InvalidAccessException ("Account ... is not subscribed to AWS Security Hub").
    const name = (rootCause(e) as { name?: string })?.name;
    if (name === 'InvalidAccessException' || name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

/**
 * Every check of one account and region, read-only. One failed call makes its own check `unknown`
 * and the others still run.
 */
export async function checkTarget(c: TargetClients, accountId: string, options: DoctorOptions): Promise<TargetReport> {
  const where: Where = { accountId, region: c.region };
  const checks: CheckResult[] = [];

  const recorders = await attempt(async () => (await c.config.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? []);
  if ('error' in recorders) {
    checks.push(unknown('config-recorder', recorders.error, where), unknown('recorder-status', recorders.error, where));
  } else {
    checks.push(judgeRecorder(recorders.value, where));
    const statuses = await attempt(async () => (await c.config.send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus ?? []);
    checks.push('error' in statuses ? unknown('recorder-status', statuses.error, where) : judgeRecorderStatus(recorders.value, statuses.value, where));
  }

  const channels = await attempt(async () => (await c.config.send(new DescribeDeliveryChannelsCommand({}))).DeliveryChannels ?? []);
  checks.push('error' in channels ? unknown('delivery-channel', channels.error, where) : judgeDeliveryChannel(channels.value, where));

  const rules = await attempt(() => allConfigRules(c));
  if ('error' in rules) {
    for (const def of options.rules) checks.push(unknown(`rule:${def.id}`, rules.error, where));
    checks.push(unknown('remediation', rules.error, where));
  } else {
    const found = options.rules.flatMap((def) => findRules(def, rules.value, options.ruleNamePrefix));
    const names = found.map((r) => r.ConfigRuleName!).filter(Boolean);
    const statuses = names.length > 0 ? await attempt(() => evaluationStatuses(c, names)) : { value: [] as ConfigRuleEvaluationStatus[] };
    for (const def of options.rules) {
      const own = findRules(def, rules.value, options.ruleNamePrefix);
      if ('error' in statuses && own.length > 0) {
        checks.push(unknown(`rule:${def.id}`, statuses.error, where));
        continue;
      }
      const status = 'error' in statuses ? undefined : statuses.value.find((s) => own.some((r) => r.ConfigRuleName === s.ConfigRuleName));
      let activity: FunctionActivity | { error: string } | undefined;
      const fn = own.length === 1 ? functionNameOf(own[0].Source?.SourceIdentifier) : undefined;
      if (!status && fn) {
        const read = await attempt(() => functionActivity(c, fn, options.now));
        activity = 'error' in read ? { error: `${actionOf(read.error) ?? 'GetMetricData'}: ${message(read.error)}` } : read.value;
      }
      checks.push(judgeRule({ def, rules: rules.value, status, activity, prefix: options.ruleNamePrefix }, where));
    }
    const remediation = names.length > 0
      ? await attempt(async () => (await c.config.send(new DescribeRemediationConfigurationsCommand({ ConfigRuleNames: names }))).RemediationConfigurations ?? [])
      : { value: [] };
    checks.push('error' in remediation ? unknown('remediation', remediation.error, where) : judgeRemediation(names, remediation.value));
  }

  const securityHub = await attempt(() => hub(c));
  checks.push('error' in securityHub ? unknown('security-hub', securityHub.error, where) : judgeSecurityHub(securityHub.value, options.requireSecurityHub, where));

  const defaults = await attempt(async () => (await c.ec2.send(new GetInstanceMetadataDefaultsCommand({}))).AccountLevel);
  if ('error' in defaults) checks.push(unknown('account-default', defaults.error, where), unknown('http-tokens-enforced', defaults.error, where));
  else checks.push(...judgeAccountDefaults(defaults.value, where));

  return { accountId, region: c.region, checks };
}
