import type { Front, Intercept } from './front';
import { errorResponse, jsonResponse, type AwsRequest, type FrontResponse } from './protocol';

/**
 * Stand-in for AWS Config's aggregate compliance calls, which moto 5.2.1 lacks:
 * DescribeAggregateComplianceByConfigRules and GetAggregateComplianceDetailsByConfigRule.
 * It answers them from what the rules really recorded: every PutEvaluations that passes the front
 * is filed under the caller's account (moto's mapping of its access key), the region it was signed
 * for, and the rule its result token belongs to. The PutEvaluations call itself still goes on to the
 * front's own Config stand-in. Aggregators themselves live in moto (PutConfigurationAggregator /
 * DescribeConfigurationAggregators); this answers for the names it is told.
 */

interface Result {
  readonly accountId: string;
  readonly region: string;
  readonly rule: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly complianceType: string;
  readonly annotation?: string;
  readonly orderingTimestamp: number;
  readonly recorded: number;
}

export class AggregatorStandIn {
  private readonly results = new Map<string, Result>();
  /** Rules deployed in an account/region that have recorded nothing yet (INSUFFICIENT_DATA). */
  private readonly silent = new Set<string>();
  private readonly tokens = new Map<string, string>();
  readonly answered = new Map<string, number>();

  constructor(private readonly aggregators: readonly string[]) {}

  /** Files PutEvaluations carrying `resultToken` under `rule` (the call itself does not name its rule). */
  ruleForToken(resultToken: string, rule: string): void {
    this.tokens.set(resultToken, rule);
  }

  /** A rule that is deployed in this account/region but has no result yet. */
  deployedWithoutResults(accountId: string, region: string, rule: string): void {
    this.silent.add(`${accountId}|${region}|${rule}`);
  }

  /** Everything recorded, for assertions. */
  recorded(): Result[] {
    return [...this.results.values()];
  }

  /** The front intercept: records PutEvaluations (then lets them through), answers the aggregate calls. */
  intercept(): Intercept {
    return async (request: AwsRequest, front: Front): Promise<FrontResponse | undefined> => {
      if (request.service !== 'config' || request.protocol !== 'json') return undefined;
      const input = request.json ?? {};
      if (request.operation === 'PutEvaluations') {
        if (input.TestMode === true) return undefined;
        const rule = this.tokens.get(String(input.ResultToken ?? ''));
        if (!rule) return undefined;
        const accountId = await front.accountOf(request);
        for (const e of (input.Evaluations as Array<Record<string, unknown>> | undefined) ?? []) {
          const key = `${accountId}|${request.region}|${rule}|${e.ComplianceResourceType}|${e.ComplianceResourceId}`;
          // AWS Config lists no NOT_APPLICABLE results: reporting one takes the resource off the list.
          if (e.ComplianceType === 'NOT_APPLICABLE') this.results.delete(key);
          else
            this.results.set(key, {
              accountId,
              region: request.region,
              rule,
              resourceType: String(e.ComplianceResourceType),
              resourceId: String(e.ComplianceResourceId),
              complianceType: String(e.ComplianceType),
              annotation: e.Annotation === undefined ? undefined : String(e.Annotation),
              orderingTimestamp: Number(e.OrderingTimestamp ?? Date.now() / 1000),
              recorded: Date.now() / 1000,
            });
        }
        return undefined;
      }
      if (request.operation !== 'DescribeAggregateComplianceByConfigRules' && request.operation !== 'GetAggregateComplianceDetailsByConfigRule') return undefined;
      this.answered.set(request.operation, (this.answered.get(request.operation) ?? 0) + 1);
      const name = String(input.ConfigurationAggregatorName ?? '');
      if (!this.aggregators.includes(name)) {
        return errorResponse(request, 400, 'NoSuchConfigurationAggregatorException', `The configuration aggregator ${name} does not exist.`);
      }
      return request.operation === 'DescribeAggregateComplianceByConfigRules' ? this.byRules(request, input) : this.details(request, input);
    };
  }

  private page<T>(items: readonly T[], input: Record<string, unknown>, max: number): { items: T[]; next?: string } {
    const limit = Math.min(Number(input.Limit) || max, max);
    const start = Number(input.NextToken ?? 0) || 0;
    const end = start + limit;
    return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
  }

  private byRules(request: AwsRequest, input: Record<string, unknown>): FrontResponse {
    const groups = new Map<string, { rule: string; accountId: string; region: string; types: string[] }>();
    for (const r of this.results.values()) {
      const key = `${r.accountId}|${r.region}|${r.rule}`;
      const g = groups.get(key) ?? { rule: r.rule, accountId: r.accountId, region: r.region, types: [] };
      g.types.push(r.complianceType);
      groups.set(key, g);
    }
    for (const key of this.silent) {
      const [accountId, region, rule] = key.split('|');
      if (!groups.has(key)) groups.set(key, { rule, accountId, region, types: [] });
    }
    const all = [...groups.values()]
      .sort((a, b) => `${a.accountId}${a.region}${a.rule}`.localeCompare(`${b.accountId}${b.region}${b.rule}`))
      .map((g) => ({
        ConfigRuleName: g.rule,
        AccountId: g.accountId,
        AwsRegion: g.region,
        Compliance: { ComplianceType: g.types.length === 0 ? 'INSUFFICIENT_DATA' : g.types.includes('NON_COMPLIANT') ? 'NON_COMPLIANT' : 'COMPLIANT' },
      }));
    const { items, next } = this.page(all, input, 1000);
    return jsonResponse(request, { AggregateComplianceByConfigRules: items, NextToken: next });
  }

  private details(request: AwsRequest, input: Record<string, unknown>): FrontResponse {
    // As AWS: AccountId and AwsRegion are required, and only COMPLIANT / NON_COMPLIANT are accepted.
    for (const field of ['ConfigRuleName', 'AccountId', 'AwsRegion']) {
      if (!input[field]) return errorResponse(request, 400, 'ValidationException', `${field} is required`);
    }
    if (input.ComplianceType !== undefined && input.ComplianceType !== 'COMPLIANT' && input.ComplianceType !== 'NON_COMPLIANT') {
      return errorResponse(request, 400, 'InvalidParameterValueException', 'ComplianceType must be COMPLIANT or NON_COMPLIANT');
    }
    const matching = [...this.results.values()].filter(
      (r) =>
        r.rule === input.ConfigRuleName &&
        r.accountId === input.AccountId &&
        r.region === input.AwsRegion &&
        (input.ComplianceType === undefined || r.complianceType === input.ComplianceType),
    );
    const { items, next } = this.page(matching, input, 100);
    return jsonResponse(request, {
      AggregateEvaluationResults: items.map((r) => ({
        EvaluationResultIdentifier: {
          EvaluationResultQualifier: { ConfigRuleName: r.rule, ResourceType: r.resourceType, ResourceId: r.resourceId, EvaluationMode: 'DETECTIVE' },
          OrderingTimestamp: r.orderingTimestamp,
        },
        ComplianceType: r.complianceType,
        ResultRecordedTime: r.recorded,
        ConfigRuleInvokedTime: r.recorded,
        Annotation: r.annotation,
        AccountId: r.accountId,
        AwsRegion: r.region,
      })),
      NextToken: next,
    });
  }
}
