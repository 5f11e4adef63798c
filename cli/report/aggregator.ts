import {
  DescribeAggregateComplianceByConfigRulesCommand,
  DescribeConfigurationAggregatorsCommand,
  GetAggregateComplianceDetailsByConfigRuleCommand,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import { RULE_ENTRIES, RULES } from '../../lambda/rules/catalog';
import { fanOut, type TargetOutcome } from '../org/fan-out';
import type { AccountTarget } from '../org/targets';
import { KINDS, type Finding, type ResourceKind } from '../scan/report';

/**
 * What the deployed imdsv2-guard rules recorded, read from an AWS Config aggregator (organization
 * or accounts), without assuming any role:
 * 1. DescribeAggregateComplianceByConfigRules: every rule × account × region the aggregator holds;
 *    ours are recognised by their rule id in the name (`<prefix><id>`, optionally `-<controls>`);
 * 2. per account/region (bounded fan-out), GetAggregateComplianceDetailsByConfigRule for each of our
 *    rules there, NON_COMPLIANT and COMPLIANT (the only two types that call accepts), 100 a page.
 * A rule that is deployed somewhere in the aggregator but has no results in an account/region
 * (INSUFFICIENT_DATA, or absent there) becomes an UNKNOWN finding for that account/region: nothing
 * is known of those resources. A refused call marks the account/region not read, as in `scan`.
 */

export class AggregatorNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AggregatorNotFoundError';
  }
}

/** Each rule's report kind by the resource type it evaluates. */
const KIND_OF: Readonly<Record<string, ResourceKind>> = Object.fromEntries(RULE_ENTRIES.map((e) => [e.definition.resourceType, e.scan.kind]));

/** The catalog rule a Config rule name belongs to, if any (longest id first: ids do not nest today, but may). */
export function ruleIdOf(configRuleName: string): string | undefined {
  const ids = RULES.map((r) => r.id).sort((a, b) => b.length - a.length);
  return ids.find((id) => configRuleName === id || configRuleName.endsWith(id) || configRuleName.includes(`${id}-`));
}

export interface AggregateEntry {
  readonly configRuleName: string;
  readonly ruleId: string;
  readonly accountId: string;
  readonly region: string;
  readonly complianceType: string;
}

async function entries(config: ConfigServiceClient, aggregator: string): Promise<AggregateEntry[]> {
  const out: AggregateEntry[] = [];
  let token: string | undefined;
  do {
    const page = await config.send(new DescribeAggregateComplianceByConfigRulesCommand({ ConfigurationAggregatorName: aggregator, Limit: 1000, NextToken: token }));
    for (const e of page.AggregateComplianceByConfigRules ?? []) {
      const ruleId = e.ConfigRuleName ? ruleIdOf(e.ConfigRuleName) : undefined;
      if (!ruleId || !e.AccountId || !e.AwsRegion) continue;
      out.push({ configRuleName: e.ConfigRuleName!, ruleId, accountId: e.AccountId, region: e.AwsRegion, complianceType: e.Compliance?.ComplianceType ?? 'INSUFFICIENT_DATA' });
    }
    token = page.NextToken;
  } while (token);
  return out;
}

/** A readable name where the id is an ARN (Auto Scaling): the part after the last slash. */
function displayOf(resourceId: string): string {
  return resourceId.startsWith('arn:') ? resourceId.slice(resourceId.lastIndexOf('/') + 1) || resourceId : resourceId;
}

async function details(config: ConfigServiceClient, aggregator: string, entry: AggregateEntry): Promise<Finding[]> {
  const definition = RULES.find((r) => r.id === entry.ruleId)!;
  const out: Finding[] = [];
  for (const complianceType of ['NON_COMPLIANT', 'COMPLIANT'] as const) {
    let token: string | undefined;
    do {
      const page = await config.send(
        new GetAggregateComplianceDetailsByConfigRuleCommand({
          ConfigurationAggregatorName: aggregator,
          ConfigRuleName: entry.configRuleName,
          AccountId: entry.accountId,
          AwsRegion: entry.region,
          ComplianceType: complianceType,
          Limit: 100,
          NextToken: token,
        }),
      );
      for (const r of page.AggregateEvaluationResults ?? []) {
        const q = r.EvaluationResultIdentifier?.EvaluationResultQualifier;
        if (!q?.ResourceId) continue;
        const kind = KIND_OF[q.ResourceType ?? definition.resourceType] ?? KIND_OF[definition.resourceType];
        out.push({
          id: q.ResourceId,
          accountId: entry.accountId,
          display: displayOf(q.ResourceId),
          kind,
          resourceType: q.ResourceType ?? definition.resourceType,
          rule: entry.ruleId,
          region: entry.region,
          verdict: r.ComplianceType === 'COMPLIANT' ? 'COMPLIANT' : r.ComplianceType === 'NON_COMPLIANT' ? 'NON_COMPLIANT' : 'UNKNOWN',
          annotation: r.Annotation ?? (r.ComplianceType === 'COMPLIANT' ? 'COMPLIANT in AWS Config.' : 'NON_COMPLIANT in AWS Config (no annotation).'),
        });
      }
      token = page.NextToken;
    } while (token);
  }
  return out;
}

export interface AggregatorReport {
  readonly targets: AccountTarget[];
  readonly findings: Finding[];
  readonly outcomes: TargetOutcome[];
}

/** Reads the aggregator; throws AggregatorNotFoundError when it does not exist or holds none of our rules. */
export async function readAggregator(config: ConfigServiceClient, aggregator: string, options: { readonly concurrency: number }): Promise<AggregatorReport> {
  try {
    await config.send(new DescribeConfigurationAggregatorsCommand({ ConfigurationAggregatorNames: [aggregator] }));
  } catch (e) {
    if ((e as Error)?.name === 'NoSuchConfigurationAggregatorException') {
      throw new AggregatorNotFoundError(`--aggregator: no configuration aggregator named "${aggregator}" in ${await config.config.region()} (aws configservice describe-configuration-aggregators lists them)`);
    }
    throw e;
  }
  const all = await entries(config, aggregator);
  if (all.length === 0) {
    throw new AggregatorNotFoundError(`--aggregator: "${aggregator}" holds no results of imdsv2-guard rules (${RULES.map((r) => r.id).join(', ')}): deploy them first (StackSet or cdk deploy)`);
  }
  const deployed = [...new Set(all.map((e) => e.ruleId))];
  const accountIds = [...new Set(all.map((e) => e.accountId))].sort();
  const targets: AccountTarget[] = accountIds.map((accountId) => ({ accountId, self: true }));
  const regionsOf = (accountId: string) => [...new Set(all.filter((e) => e.accountId === accountId).map((e) => e.region))].sort();

  const { outcomes, results } = await fanOut(
    targets,
    async (account) => regionsOf(account.accountId),
    async ({ account, region }) => {
      const here = all.filter((e) => e.accountId === account.accountId && e.region === region);
      const findings: Finding[] = [];
      for (const entry of here.filter((e) => e.complianceType !== 'INSUFFICIENT_DATA')) findings.push(...(await details(config, aggregator, entry)));
      // A rule deployed elsewhere with no results here: those resources are not verified.
      for (const ruleId of deployed) {
        const entry = here.find((e) => e.ruleId === ruleId);
        if (entry && entry.complianceType !== 'INSUFFICIENT_DATA') continue;
        const definition = RULES.find((r) => r.id === ruleId)!;
        findings.push({
          id: `${account.accountId}/${region}/${ruleId}`,
          accountId: account.accountId,
          display: `${ruleId} (no results)`,
          kind: KIND_OF[definition.resourceType] ?? KINDS[0],
          resourceType: definition.resourceType,
          rule: ruleId,
          region,
          verdict: 'UNKNOWN',
          annotation: entry
            ? `Rule ${entry.configRuleName} has no results in ${account.accountId} ${region} yet (INSUFFICIENT_DATA). Fix: aws configservice start-config-rules-evaluation --config-rule-names ${entry.configRuleName} --region ${region}`
            : `Rule ${ruleId} is not deployed in ${account.accountId} ${region}, so Config judges nothing there. Fix: deploy the imdsv2-guard rules to this account and region (StackSet instance).`,
        });
      }
      return findings;
    },
    { concurrency: options.concurrency },
  );
  return { targets, findings: results.flatMap((r) => r.value), outcomes };
}
