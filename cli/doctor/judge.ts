import type {
  ConfigRule,
  ConfigRuleEvaluationStatus,
  ConfigurationRecorder,
  ConfigurationRecorderStatus,
  DeliveryChannel,
  InstanceMetadataDefaultsResponse,
  RecordingGroup,
  RemediationConfiguration,
} from './sdk-types';
import { configRuleName, type RuleDefinition } from '../../lambda/kit/rule-definition';
import { RULES } from '../../lambda/rules/catalog';
import type { CheckResult } from './report';

/**
 * Pure verdicts over what the AWS APIs returned: no SDK calls here (checks.ts makes them), so every
 * shape can be tested directly. Each problem carries the command that fixes it, with `--region`.
 */

export interface Where {
  readonly accountId: string;
  readonly region: string;
}

/** The resource types the change-triggered rules need recorded, from the rule catalog. */
export const RECORDED_TYPES: readonly string[] = RULES.filter((r) => r.changeTriggered).map((r) => r.resourceType);

/** Single quotes for a shell argument (JSON inside is left as is). */
export const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Latest of some optional dates. */
const latest = (...dates: Array<Date | undefined>): Date | undefined =>
  dates.filter((d): d is Date => d instanceof Date).sort((a, b) => b.getTime() - a.getTime())[0];

const iso = (d: Date | undefined): string => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : 'never');

/**
 * The types the recording group leaves out. Per the AWS Config API reference (RecordingGroup,
 * RecordingStrategy): `recordingStrategy.useOnly` decides when present; EXCLUSION_BY_RESOURCE_TYPES
 * records everything but `exclusionByResourceTypes.resourceTypes`; INCLUSION_BY_RESOURCE_TYPES only
 * `resourceTypes`; ALL_SUPPORTED_RESOURCE_TYPES (or `allSupported: true`) every supported type.
 * Without a recording group a recorder records every supported type.
 */
export function typesNotRecorded(group: RecordingGroup | undefined, needed: readonly string[] = RECORDED_TYPES): string[] {
  if (!group) return [];
  const strategy = group.recordingStrategy?.useOnly;
  if (strategy === 'EXCLUSION_BY_RESOURCE_TYPES') {
    const excluded: readonly string[] = group.exclusionByResourceTypes?.resourceTypes ?? [];
    return needed.filter((t) => excluded.includes(t));
  }
  if (strategy === 'ALL_SUPPORTED_RESOURCE_TYPES') return [];
  if (strategy === 'INCLUSION_BY_RESOURCE_TYPES') return needed.filter((t) => !((group.resourceTypes ?? []) as readonly string[]).includes(t));
  if (group.allSupported === true) return [];
  const listed: readonly string[] = group.resourceTypes ?? [];
  // No strategy, allSupported unset and no list: the API's default, every supported type.
  if (group.allSupported === undefined && listed.length === 0) return [];
  return needed.filter((t) => !listed.includes(t));
}

/** The recording group that also records `missing`, changing nothing else. */
function widened(group: RecordingGroup | undefined, missing: readonly string[]): Record<string, unknown> {
  const all = { allSupported: true, includeGlobalResourceTypes: group?.includeGlobalResourceTypes ?? false, recordingStrategy: { useOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' } };
  if (!group) return all;
  if (group.recordingStrategy?.useOnly === 'EXCLUSION_BY_RESOURCE_TYPES') {
    const remaining = (group.exclusionByResourceTypes?.resourceTypes ?? []).filter((t) => !missing.includes(t));
    if (remaining.length === 0) return { ...all, includeGlobalResourceTypes: false };
    return {
      allSupported: false,
      includeGlobalResourceTypes: false,
      exclusionByResourceTypes: { resourceTypes: remaining },
      recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
    };
  }
  return {
    allSupported: false,
    includeGlobalResourceTypes: false,
    resourceTypes: [...(group.resourceTypes ?? []), ...missing],
    recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' },
  };
}

const SERVICE_LINKED_CONFIG_ROLE = (accountId: string) =>
  `arn:aws:iam::${accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;

function putRecorder(recorder: Record<string, unknown>, region: string): string {
  return `aws configservice put-configuration-recorder --configuration-recorder ${sq(JSON.stringify(recorder))} --region ${region}`;
}

/**
 * The customer managed configuration recorder (the one Config rules run on; service-linked
 * recorders, which carry `servicePrincipal`, record only for their service) and whether it records
 * the four resource types, continuously.
 */
export function judgeRecorder(recorders: readonly ConfigurationRecorder[], where: Where): CheckResult {
  const check = 'config-recorder';
  const own = recorders.filter((r) => !r.servicePrincipal);
  const linked = recorders.length - own.length;
  const recorder = own[0];
  if (!recorder) {
    const create = putRecorder(
      { name: 'default', roleARN: SERVICE_LINKED_CONFIG_ROLE(where.accountId), recordingGroup: widened(undefined, []) },
      where.region,
    );
    return {
      check,
      status: 'fail',
      detail: `no customer managed configuration recorder${linked > 0 ? ` (${linked} service-linked recorder(s) only: they do not run Config rules)` : ''}: no Config rule can run here`,
      fix: `aws iam create-service-linked-role --aws-service-name config.amazonaws.com (once per account, if missing); ${create}`,
    };
  }
  const name = recorder.name ?? 'default';
  const missing = typesNotRecorded(recorder.recordingGroup);
  if (missing.length > 0) {
    const fixed = {
      name,
      roleARN: recorder.roleARN,
      recordingGroup: widened(recorder.recordingGroup, missing),
      ...(recorder.recordingMode ? { recordingMode: recorder.recordingMode } : {}),
    };
    return {
      check,
      status: 'fail',
      detail: `recorder "${name}" does not record ${missing.join(', ')}: changes to them trigger no evaluation (only the periodic sweep sees them)`,
      fix: putRecorder(fixed, where.region),
    };
  }
  const mode = recorder.recordingMode;
  const daily =
    mode?.recordingFrequency === 'DAILY'
      ? RECORDED_TYPES.filter((t) => !(mode.recordingModeOverrides ?? []).some((o) => o.recordingFrequency === 'CONTINUOUS' && ((o.resourceTypes ?? []) as readonly string[]).includes(t)))
      : RECORDED_TYPES.filter((t) => (mode?.recordingModeOverrides ?? []).some((o) => o.recordingFrequency === 'DAILY' && ((o.resourceTypes ?? []) as readonly string[]).includes(t)));
  if (daily.length > 0) {
    return {
      check,
      status: 'warn',
      detail: `recorder "${name}" records ${daily.join(', ')} daily: change-triggered evaluations of them run at most once a day`,
      fix: putRecorder({ name, roleARN: recorder.roleARN, recordingGroup: recorder.recordingGroup, recordingMode: { recordingFrequency: 'CONTINUOUS' } }, where.region),
    };
  }
  return { check, status: 'ok', detail: `recorder "${name}" records ${describeGroup(recorder.recordingGroup)}` };
}

function describeGroup(group: RecordingGroup | undefined): string {
  const strategy = group?.recordingStrategy?.useOnly;
  if (strategy === 'EXCLUSION_BY_RESOURCE_TYPES') return `all supported types but ${(group?.exclusionByResourceTypes?.resourceTypes ?? []).length} excluded ones (none needed here)`;
  if (strategy === 'INCLUSION_BY_RESOURCE_TYPES' || (group?.allSupported === false && (group.resourceTypes ?? []).length > 0)) {
    return `${(group?.resourceTypes ?? []).length} listed types, the four needed among them`;
  }
  return 'all supported types';
}

export function judgeRecorderStatus(recorders: readonly ConfigurationRecorder[], statuses: readonly ConfigurationRecorderStatus[], where: Where): CheckResult {
  const check = 'recorder-status';
  const recorder = recorders.find((r) => !r.servicePrincipal);
  if (!recorder) return { check, status: 'fail', detail: 'no recorder to start', fix: 'create the recorder first (config-recorder), then start it' };
  const name = recorder.name ?? 'default';
  const status = statuses.find((s) => s.name === name);
  const start = `aws configservice start-configuration-recorder --configuration-recorder-name ${name} --region ${where.region}`;
  if (!status?.recording) {
    return { check, status: 'fail', detail: `recorder "${name}" is stopped: nothing is recorded and no change triggers a rule`, fix: `${start} (needs a delivery channel)` };
  }
  // The API's values are Pending, Success and Failure; compared without case (emulators differ).
  if (String(status.lastStatus ?? '').toLowerCase() === 'failure') {
    return {
      check,
      status: 'fail',
      detail: `recorder "${name}" is on but its last recording failed: ${[status.lastErrorCode, status.lastErrorMessage].filter(Boolean).join(': ') || 'no reason given'}`,
      fix: `fix the recorder role (${recorder.roleARN ?? 'none'}) or the delivery channel's bucket named in the error; aws configservice describe-configuration-recorder-status --configuration-recorder-names ${name} --region ${where.region} shows the next attempt`,
    };
  }
  return { check, status: 'ok', detail: `recorder "${name}" is recording (last status ${status.lastStatus ?? 'unknown'})` };
}

export function judgeDeliveryChannel(channels: readonly DeliveryChannel[], where: Where): CheckResult {
  const check = 'delivery-channel';
  if (channels.length === 0) {
    return {
      check,
      status: 'fail',
      detail: 'no delivery channel: the recorder cannot start without one',
      fix: `aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=CONFIG_BUCKET --region ${where.region} (CONFIG_BUCKET: a bucket whose policy lets config.amazonaws.com write)`,
    };
  }
  const c = channels[0];
  return { check, status: 'ok', detail: `delivery channel "${c.name ?? 'default'}" to s3://${c.s3BucketName ?? '?'}` };
}

/** The names a rule can have in a deployment: `<prefix><id>`, and with the control ids (StackSet). */
export function ruleNames(def: Pick<RuleDefinition<unknown>, 'id' | 'controls'>, prefix: string): string[] {
  return [...new Set([configRuleName(def, prefix, false), configRuleName(def, prefix, true)])];
}

/** Invocations and errors of a rule's function, from its AWS/Lambda metrics. */
export interface FunctionActivity {
  readonly hours: number;
  readonly invocations: number;
  readonly errors: number;
}

export interface RuleFacts {
  readonly def: RuleDefinition<unknown>;
  /** Every deployed rule of this account and region (DescribeConfigRules). */
  readonly rules: readonly ConfigRule[];
  /** DescribeConfigRuleEvaluationStatus for the rule, when AWS Config returns one. */
  readonly status?: ConfigRuleEvaluationStatus;
  /** The function's metrics, read when Config returns no evaluation status. */
  readonly activity?: FunctionActivity | { readonly error: string };
  readonly prefix: string;
}

export function findRules(def: Pick<RuleDefinition<unknown>, 'id' | 'controls'>, rules: readonly ConfigRule[], prefix: string): ConfigRule[] {
  const names = ruleNames(def, prefix);
  return rules.filter((r) => names.includes(r.ConfigRuleName ?? ''));
}

export function judgeRule(facts: RuleFacts, where: Where): CheckResult {
  const { def, prefix } = facts;
  const check = `rule:${def.id}`;
  const found = findRules(def, facts.rules, prefix);
  if (found.length === 0) {
    const context = prefix ? ` -c imdsv2-guard:ruleNamePrefix=${prefix}` : '';
    // Other rules named with control ids: the StackSet deployed here, so the fix is there, not a second stack.
    const stackSetHere = RULES.some((r) => r.controls.length > 0 && facts.rules.some((x) => x.ConfigRuleName === configRuleName(r, prefix, true)));
    return {
      check,
      status: 'fail',
      detail: `no Config rule named ${ruleNames(def, prefix).join(' or ')}`,
      fix: stackSetHere
        ? `the StackSet's other rules are here: set the member template's Enable…Rule parameter of ${def.id} to Yes, or retry the stack instance (imdsv2-guard doctor --stack-set NAME shows it)`
        : `add ${where.accountId}/${where.region} to the StackSet's targets (imdsv2-guard doctor --stack-set NAME shows its instances), or for one account: AWS_REGION=${where.region} npx cdk deploy Imdsv2Guard${context}`,
    };
  }
  const rule = found[0];
  const name = rule.ConfigRuleName!;
  const retry = `aws configservice start-config-rules-evaluation --config-rule-names ${name} --region ${where.region}`;
  if (found.length > 1) {
    return {
      check,
      status: 'warn',
      detail: `deployed twice (${found.map((r) => r.ConfigRuleName).join(' and ')}): every resource is evaluated, and billed, twice`,
      fix: `keep the StackSet's rule (with control ids) and remove the single-account stack: AWS_REGION=${where.region} npx cdk destroy Imdsv2Guard`,
    };
  }
  if (rule.ConfigRuleState === 'DELETING' || rule.ConfigRuleState === 'DELETING_RESULTS') {
    return { check, status: 'fail', detail: `${name} is being deleted (${rule.ConfigRuleState})`, fix: `redeploy the stack or StackSet instance that owns ${name}` };
  }
  const s = facts.status;
  if (s) {
    const success = latest(s.LastSuccessfulInvocationTime, s.LastSuccessfulEvaluationTime);
    const failure = latest(s.LastFailedInvocationTime, s.LastFailedEvaluationTime);
    if ((s.LastErrorCode || s.LastErrorMessage) && failure && (!success || failure > success)) {
      const fn = rule.Source?.SourceIdentifier;
      return {
        check,
        status: 'fail',
        detail: `${name}: last run failed at ${iso(failure)}: ${[s.LastErrorCode, s.LastErrorMessage].filter(Boolean).join(': ')} (last success: ${iso(success)})`,
        fix: `read the error in the function's log group (aws lambda get-function-configuration --function-name ${fn ?? '<function>'} --query LoggingConfig.LogGroup --region ${where.region}), fix it, then ${retry}`,
      };
    }
    if (!success) {
      // No successful run on record (FirstEvaluationStarted false, or no times yet): not proven to work.
      return { check, status: 'warn', detail: `${name}: no successful evaluation yet${failure ? ` (last failure ${iso(failure)})` : ''}`, fix: retry };
    }
    return { check, status: 'ok', detail: `${name}: last successful run ${iso(success)}${failure ? `, earlier failure ${iso(failure)}` : ''}` };
  }
  // The API reference says DescribeConfigRuleEvaluationStatus does not return status information
  // about custom Lambda rules, so when it returns none, the rule's function metrics say whether it runs.
  const a = facts.activity;
  const why = 'AWS Config returns no evaluation status for custom Lambda rules';
  if (!a) return { check, status: 'unknown', detail: `${name}: ${why}, and the function's metrics were not read`, fix: retry };
  if ('error' in a) return { check, status: 'unknown', detail: `${name}: ${why}; reading the function's AWS/Lambda metrics failed: ${a.error}`, fix: 'grant cloudwatch:GetMetricData, or check the function in the Lambda console' };
  if (a.errors > 0) {
    return {
      check,
      status: 'fail',
      detail: `${name}: ${a.errors} of ${a.invocations} invocations in the last ${a.hours} h failed (AWS/Lambda Errors; ${why})`,
      fix: `read the error in the function's log group (aws lambda get-function-configuration --function-name ${rule.Source?.SourceIdentifier ?? '<function>'} --query LoggingConfig.LogGroup --region ${where.region}), fix it, then ${retry}`,
    };
  }
  if (a.invocations === 0) {
    return { check, status: 'warn', detail: `${name}: no invocation in the last ${a.hours} h (AWS/Lambda Invocations; ${why})`, fix: retry };
  }
  return { check, status: 'ok', detail: `${name}: ${a.invocations} invocations, no errors in the last ${a.hours} h (AWS/Lambda metrics; ${why})` };
}

/** Remediation is opt-in: reported, never a problem. */
export function judgeRemediation(ruleNamesFound: readonly string[], configurations: readonly RemediationConfiguration[]): CheckResult {
  const byRule = new Map(configurations.map((c) => [c.ConfigRuleName ?? '', c]));
  const automatic = ruleNamesFound.filter((n) => byRule.get(n)?.Automatic === true);
  const manual = ruleNamesFound.filter((n) => byRule.has(n) && byRule.get(n)?.Automatic !== true);
  const none = ruleNamesFound.filter((n) => !byRule.has(n));
  const parts = [
    automatic.length ? `automatic: ${automatic.join(', ')}` : '',
    manual.length ? `manual: ${manual.join(', ')}` : '',
    none.length ? `none: ${none.join(', ')}` : '',
  ].filter(Boolean);
  return { check: 'remediation', status: 'ok', detail: parts.length ? parts.join('; ') : 'no rules to remediate' };
}

export function judgeSecurityHub(hub: { readonly hubArn?: string; readonly subscribedAt?: string } | undefined, required: boolean, where: Where): CheckResult {
  const check = 'security-hub';
  if (hub) return { check, status: 'ok', detail: `enabled${hub.subscribedAt ? ` since ${hub.subscribedAt}` : ''}: Config findings reach Security Hub` };
  return {
    check,
    status: required ? 'fail' : 'warn',
    detail: 'Security Hub is not enabled: the rules\' findings do not reach it',
    fix: `aws securityhub enable-security-hub --no-enable-default-standards --region ${where.region} (or enable it for the organization from the Security Hub delegated administrator)`,
  };
}

/**
 * The region's account default and HttpTokensEnforced: a warning, not a readiness problem (the
 * imdsv2-account-defaults rule reports it too), with the fix; where an organization declarative
 * policy manages the setting, the fix is the policy.
 */
export function judgeAccountDefaults(out: InstanceMetadataDefaultsResponse | undefined, where: Where): CheckResult[] {
  const level = out ?? {};
  const policy = level.ManagedBy === 'declarative-policy';
  const viaPolicy = 'the organization\'s EC2 declarative policy manages it: change the policy (imdsv2-guard:guardrails:declarativePolicy), not the account';
  const tokens: CheckResult =
    level.HttpTokens === 'required'
      ? { check: 'account-default', status: 'ok', detail: `HttpTokens required${policy ? ' (declarative policy)' : ''}` }
      : {
          check: 'account-default',
          status: 'warn',
          detail: `account default HttpTokens is ${level.HttpTokens ?? 'no-preference'}: new instances may allow IMDSv1`,
          fix: policy ? viaPolicy : `aws ec2 modify-instance-metadata-defaults --http-tokens required --region ${where.region}`,
        };
  const enforced: CheckResult =
    level.HttpTokensEnforced === 'enabled'
      ? { check: 'http-tokens-enforced', status: 'ok', detail: 'HttpTokensEnforced enabled: EC2 refuses launches that allow IMDSv1' }
      : {
          check: 'http-tokens-enforced',
          status: 'warn',
          detail: `HttpTokensEnforced is ${level.HttpTokensEnforced ?? 'not set'}: launches that allow IMDSv1 are not refused`,
          fix: policy ? viaPolicy : `aws ec2 modify-instance-metadata-defaults --http-tokens required --http-tokens-enforced enabled --region ${where.region}`,
        };
  return [tokens, enforced];
}
