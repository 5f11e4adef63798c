import { errorResponse, jsonResponse, type AwsRequest, type FrontResponse } from './protocol';

/**
 * In-memory stand-in for the AWS Config operations moto 5.2.1 lacks or gets wrong:
 * PutEvaluations (moto only accepts TestMode), GetComplianceDetailsByConfigRule (absent),
 * GetResourceConfigHistory (moto does not record EC2 types), DeleteEvaluationResults,
 * DescribeConfigRuleEvaluationStatus and DescribeRemediationConfigurations (absent).
 * Answers in AWS JSON 1.1, as Config does. The stored results live as long as the front (until
 * `reset()`), across invocations: a sweep reads back what the previous one recorded.
 */

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA';

/** DEFAULT rule name the front files evaluations under; the event builders use the same one. */
export const DEFAULT_RULE_NAME = 'imdsv2-guard-test-rule';

/** One evaluation as the Lambda sent it (timestamps decoded). */
export interface RecordedEvaluation {
  readonly ComplianceResourceType: string;
  readonly ComplianceResourceId: string;
  readonly ComplianceType: string;
  readonly Annotation?: string;
  readonly OrderingTimestamp: Date;
}

export interface PutEvaluationsRecord {
  /** From `ruleForToken`, else the default rule name: the request itself does not name the rule. */
  readonly ruleName: string;
  readonly resultToken: string;
  readonly testMode: boolean;
  /** Everything in the request, in order. */
  readonly evaluations: readonly RecordedEvaluation[];
  /** The subset answered in `FailedEvaluations` (scripted with `failNext`); not stored. */
  readonly failed: readonly RecordedEvaluation[];
}

/** A current result, as GetComplianceDetailsByConfigRule lists it. */
export interface StoredResult {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly complianceType: ComplianceType;
  readonly annotation?: string;
  readonly orderingTimestamp: Date;
  readonly resultRecordedTime: Date;
}

export interface SeedResult {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly complianceType: ComplianceType;
  readonly annotation?: string;
  readonly orderingTimestamp?: Date;
}

/**
 * A configuration item for `putHistory`: either API-shaped (`version`, `accountId`, `arn`) or
 * event-shaped as the builders in config-events.ts make them (`configurationItemVersion`,
 * `awsAccountId`, `ARN`). Either way it is answered API-shaped, with `configuration` as a string.
 */
export type HistoryItemInput = object;

/** A ConfigRuleEvaluationStatus as the API returns it, times as Dates. */
export interface RuleEvaluationStatusInput {
  readonly FirstEvaluationStarted?: boolean;
  readonly FirstActivatedTime?: Date;
  readonly LastSuccessfulInvocationTime?: Date;
  readonly LastFailedInvocationTime?: Date;
  readonly LastSuccessfulEvaluationTime?: Date;
  readonly LastFailedEvaluationTime?: Date;
  readonly LastErrorCode?: string;
  readonly LastErrorMessage?: string;
}

interface FailRule {
  remaining: number;
  readonly predicate: (evaluation: RecordedEvaluation) => boolean;
}

const COMPLIANCE_TYPES: readonly string[] = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'];
const MAX_EVALUATIONS_PER_CALL = 100;
const MAX_ANNOTATION = 256;

export class ConfigStandIn {
  /** Every accepted PutEvaluations call (test mode or not), in order. */
  readonly puts: PutEvaluationsRecord[] = [];
  /** Rule name used for result tokens not registered with `ruleForToken`. */
  defaultRuleName: string;

  private readonly tokenRules = new Map<string, string>();
  private readonly failRules: FailRule[] = [];
  /** ruleName → (resourceType|resourceId → result). */
  private readonly store = new Map<string, Map<string, StoredResult>>();
  /** ruleName → its results sorted by key, rebuilt on the first read after a write (the bench pages 100,000). */
  private readonly sorted = new Map<string, StoredResult[]>();
  /** resourceType|resourceId → items (API shape). */
  private readonly history = new Map<string, Record<string, unknown>[]>();
  /** region|ruleName → ConfigRuleEvaluationStatus (API shape), for DescribeConfigRuleEvaluationStatus. */
  private readonly ruleStatuses = new Map<string, Record<string, unknown>>();
  /** region → RemediationConfiguration list (API shape), for DescribeRemediationConfigurations. */
  private readonly remediations = new Map<string, Record<string, unknown>[]>();

  constructor(defaultRuleName = DEFAULT_RULE_NAME) {
    this.defaultRuleName = defaultRuleName;
  }

  /** Files PutEvaluations carrying `resultToken` under `ruleName`. */
  ruleForToken(resultToken: string, ruleName: string): void {
    this.tokenRules.set(resultToken, ruleName);
  }

  /** Shorthand for `ruleForToken(event.resultToken, event.configRuleName)`. */
  registerEvent(event: { readonly resultToken?: string; readonly configRuleName?: string }): void {
    if (event.resultToken && event.configRuleName) this.ruleForToken(event.resultToken, event.configRuleName);
  }

  /**
   * The next `count` evaluations matching `predicate` (default: any) come back in
   * `FailedEvaluations` and are not stored, as when Config cannot record them.
   */
  failNext(count: number, predicate: (evaluation: RecordedEvaluation) => boolean = () => true): void {
    this.failRules.push({ remaining: count, predicate });
  }

  /** Puts results straight into the store, as if recorded earlier. */
  seedResults(ruleName: string, results: readonly SeedResult[]): void {
    const now = new Date();
    for (const r of results) {
      this.storeResult(ruleName, {
        resourceType: r.resourceType,
        resourceId: r.resourceId,
        complianceType: r.complianceType,
        annotation: r.annotation,
        orderingTimestamp: r.orderingTimestamp ?? now,
        resultRecordedTime: now,
      });
    }
  }

  /**
   * Current COMPLIANT / NON_COMPLIANT results of a rule, sorted by resource type then id: what the
   * console and an unfiltered GetComplianceDetailsByConfigRule show.
   */
  results(ruleName: string = this.defaultRuleName): StoredResult[] {
    return this.sortedResults(ruleName).filter((r) => r.complianceType !== 'NOT_APPLICABLE');
  }

  /** Every result held for the rule, NOT_APPLICABLE ones too (listed only when asked for by ComplianceTypes). */
  allResults(ruleName: string = this.defaultRuleName): StoredResult[] {
    return [...this.sortedResults(ruleName)];
  }

  /** All accepted (not failed) evaluations, flattened across calls. */
  evaluations(filter: { readonly testMode?: boolean; readonly ruleName?: string } = {}): RecordedEvaluation[] {
    return this.puts
      .filter((p) => filter.testMode === undefined || p.testMode === filter.testMode)
      .filter((p) => filter.ruleName === undefined || p.ruleName === filter.ruleName)
      .flatMap((p) => p.evaluations.filter((e) => !p.failed.includes(e)));
  }

  /**
   * Records a configuration item as AWS Config does when a resource changes, for
   * GetResourceConfigHistory to return: the item of a change notification (event-shaped), filed
   * under its own resourceType and resourceId. Shorthand for `putHistory`.
   */
  recordConfigurationItem(item: { readonly resourceType: string; readonly resourceId: string }): void {
    this.putHistory(item.resourceType, item.resourceId, item);
  }

  /** Adds an item GetResourceConfigHistory returns for this resource (newest capture time first). */
  putHistory(resourceType: string, resourceId: string, item: HistoryItemInput): void {
    const key = resourceKey(resourceType, resourceId);
    const items = this.history.get(key) ?? [];
    items.push(toApiConfigurationItem(resourceType, resourceId, item));
    this.history.set(key, items);
  }

  /**
   * What DescribeConfigRuleEvaluationStatus answers for a rule in a region (moto 5.2.1 lacks the
   * operation). Times are Dates. Rules without one are left out of the answer, as the API
   * reference says AWS Config does for custom Lambda rules.
   */
  setRuleEvaluationStatus(region: string, ruleName: string, status: RuleEvaluationStatusInput): void {
    const api: Record<string, unknown> = { ConfigRuleName: ruleName };
    for (const [k, v] of Object.entries(status)) if (v !== undefined) api[k] = v instanceof Date ? epochSeconds(v) : v;
    this.ruleStatuses.set(`${region}|${ruleName}`, api);
  }

  /** What DescribeRemediationConfigurations answers in a region (moto 5.2.1 lacks the operation). */
  setRemediationConfiguration(region: string, configuration: { readonly ConfigRuleName: string; readonly TargetId: string; readonly Automatic: boolean }): void {
    const list = (this.remediations.get(region) ?? []).filter((r) => r.ConfigRuleName !== configuration.ConfigRuleName);
    this.remediations.set(region, [...list, { TargetType: 'SSM_DOCUMENT', ...configuration }]);
  }

  reset(): void {
    this.ruleStatuses.clear();
    this.remediations.clear();
    this.puts.length = 0;
    this.tokenRules.clear();
    this.failRules.length = 0;
    this.store.clear();
    this.sorted.clear();
    this.history.clear();
  }

  /** The answer for a Config request this stand-in handles, or undefined to forward it to moto. */
  answer(request: AwsRequest): FrontResponse | undefined {
    switch (request.operation) {
      case 'PutEvaluations':
        return this.putEvaluations(request);
      case 'GetComplianceDetailsByConfigRule':
        return this.getComplianceDetailsByConfigRule(request);
      case 'GetResourceConfigHistory':
        return this.getResourceConfigHistory(request);
      case 'DescribeConfigRuleEvaluationStatus':
        return this.describeConfigRuleEvaluationStatus(request);
      case 'DescribeRemediationConfigurations':
        return this.describeRemediationConfigurations(request);
      case 'DeleteEvaluationResults':
        return this.deleteEvaluationResults(request);
      default:
        return undefined;
    }
  }

  private putEvaluations(request: AwsRequest): FrontResponse {
    const input = request.json ?? {};
    const resultToken = input.ResultToken;
    if (typeof resultToken !== 'string' || resultToken.length === 0) {
      return validation(request, "Value null at 'resultToken' failed to satisfy constraint: Member must not be null");
    }
    const raw = Array.isArray(input.Evaluations) ? (input.Evaluations as Record<string, unknown>[]) : [];
    if (raw.length > MAX_EVALUATIONS_PER_CALL) {
      return validation(
        request,
        `Value at 'evaluations' failed to satisfy constraint: Member must have length less than or equal to ${MAX_EVALUATIONS_PER_CALL}`,
      );
    }
    const evaluations: RecordedEvaluation[] = [];
    for (const [i, e] of raw.entries()) {
      const problem = invalidEvaluation(e);
      if (problem) return validation(request, `Value at 'evaluations.${i + 1}.member.${problem}`);
      evaluations.push({
        ComplianceResourceType: e.ComplianceResourceType as string,
        ComplianceResourceId: e.ComplianceResourceId as string,
        ComplianceType: e.ComplianceType as string,
        ...(typeof e.Annotation === 'string' ? { Annotation: e.Annotation } : {}),
        OrderingTimestamp: decodeTimestamp(e.OrderingTimestamp)!,
      });
    }

    const testMode = input.TestMode === true;
    const ruleName = this.tokenRules.get(resultToken) ?? this.defaultRuleName;
    const failedRaw: Record<string, unknown>[] = [];
    const failed: RecordedEvaluation[] = [];
    const now = new Date();
    evaluations.forEach((evaluation, i) => {
      const rule = this.failRules.find((r) => r.remaining > 0 && r.predicate(evaluation));
      if (rule) {
        rule.remaining--;
        failed.push(evaluation);
        failedRaw.push(raw[i]); // echoed back as sent, as AWS does
        return;
      }
      // Test mode validates without recording, so it never reaches the store.
      if (!testMode) {
        this.storeResult(ruleName, {
          resourceType: evaluation.ComplianceResourceType,
          resourceId: evaluation.ComplianceResourceId,
          complianceType: evaluation.ComplianceType as ComplianceType,
          annotation: evaluation.Annotation,
          orderingTimestamp: evaluation.OrderingTimestamp,
          resultRecordedTime: now,
        });
      }
    });
    this.puts.push({ ruleName, resultToken, testMode, evaluations, failed });
    return jsonResponse(request, { FailedEvaluations: failedRaw });
  }

  private getComplianceDetailsByConfigRule(request: AwsRequest): FrontResponse {
    const input = request.json ?? {};
    const ruleName = input.ConfigRuleName;
    if (typeof ruleName !== 'string' || ruleName.length === 0) {
      return validation(request, "Value null at 'configRuleName' failed to satisfy constraint: Member must not be null");
    }
    // Config's documented paging: default 10, at most 100, 0 means the default.
    const limit = typeof input.Limit === 'number' && input.Limit > 0 ? input.Limit : 10;
    if (limit > 100) {
      return validation(request, "Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
    }
    const types = Array.isArray(input.ComplianceTypes) ? (input.ComplianceTypes as string[]) : [];
    const badType = types.find((t) => !COMPLIANCE_TYPES.includes(t));
    if (badType) return validation(request, `Value '${badType}' at 'complianceTypes' is not a valid ComplianceType`);

    let after: string | undefined;
    if (typeof input.NextToken === 'string' && input.NextToken.length > 0) {
      after = decodeToken(input.NextToken);
      if (after === undefined) return errorResponse(request, 400, 'InvalidNextTokenException', 'The nextToken provided is invalid');
    }
    // Paging by "after this key" (not by offset) stays correct while a caller deletes as it pages.
    // NOT_APPLICABLE results are kept and listed when the filter asks for them (the API accepts it as
    // a ComplianceTypes value); without a filter, the compliant and non-compliant ones.
    const wanted = types.length > 0 ? types : ['COMPLIANT', 'NON_COMPLIANT'];
    const all = this.sortedResults(ruleName);
    const page: StoredResult[] = [];
    let more = false;
    for (let i = after === undefined ? 0 : firstAfter(all, after); i < all.length; i++) {
      if (!wanted.includes(all[i].complianceType)) continue;
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push(all[i]);
    }
    return jsonResponse(request, {
      EvaluationResults: page.map((r) => ({
        EvaluationResultIdentifier: {
          EvaluationResultQualifier: {
            ConfigRuleName: ruleName,
            ResourceType: r.resourceType,
            ResourceId: r.resourceId,
            EvaluationMode: 'DETECTIVE',
          },
          OrderingTimestamp: epochSeconds(r.orderingTimestamp),
        },
        ComplianceType: r.complianceType,
        ResultRecordedTime: epochSeconds(r.resultRecordedTime),
        ConfigRuleInvokedTime: epochSeconds(r.resultRecordedTime),
        ...(r.annotation !== undefined ? { Annotation: r.annotation } : {}),
      })),
      ...(more ? { NextToken: encodeToken(resultKey(page[page.length - 1])) } : {}),
    });
  }

  /** Config's DeleteEvaluationResults (moto lacks it): the rule's results are gone, as after the real call. */
  private deleteEvaluationResults(request: AwsRequest): FrontResponse {
    const ruleName = (request.json ?? {}).ConfigRuleName;
    if (typeof ruleName !== 'string' || ruleName.length === 0) {
      return validation(request, "Value null at 'configRuleName' failed to satisfy constraint: Member must not be null");
    }
    this.store.delete(ruleName);
    this.sorted.delete(ruleName);
    return jsonResponse(request, {});
  }

  private getResourceConfigHistory(request: AwsRequest): FrontResponse {
    // This operation's members are camelCase on the wire (unlike the rest of Config).
    const input = request.json ?? {};
    const resourceType = input.resourceType;
    const resourceId = input.resourceId;
    if (typeof resourceType !== 'string' || typeof resourceId !== 'string') {
      return validation(request, "Value null at 'resourceType' or 'resourceId' failed to satisfy constraint: Member must not be null");
    }
    const limit = typeof input.limit === 'number' && input.limit > 0 ? input.limit : 10;
    if (limit > 100) {
      return validation(request, "Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
    }
    const items = this.history.get(resourceKey(resourceType, resourceId));
    if (!items?.length) {
      return errorResponse(
        request,
        400,
        'ResourceNotDiscoveredException',
        `Resource ${resourceId} of resourceType:${resourceType} is unknown or has not been discovered`,
      );
    }
    const laterTime = decodeTimestamp(input.laterTime);
    const earlierTime = decodeTimestamp(input.earlierTime);
    const forward = input.chronologicalOrder === 'Forward';
    const inWindow = items
      .filter((item) => {
        const t = (item.configurationItemCaptureTime as number) * 1000;
        return (!laterTime || t <= laterTime.getTime()) && (!earlierTime || t >= earlierTime.getTime());
      })
      .sort((a, b) => {
        const d = (a.configurationItemCaptureTime as number) - (b.configurationItemCaptureTime as number);
        return forward ? d : -d;
      });
    const offset = typeof input.nextToken === 'string' ? Number(decodeToken(input.nextToken)) : 0;
    if (!Number.isInteger(offset) || offset < 0) {
      return errorResponse(request, 400, 'InvalidNextTokenException', 'The nextToken provided is invalid');
    }
    const page = inWindow.slice(offset, offset + limit);
    const more = inWindow.length > offset + limit;
    return jsonResponse(request, {
      configurationItems: page,
      ...(more ? { nextToken: encodeToken(String(offset + limit)) } : {}),
    });
  }

  private describeConfigRuleEvaluationStatus(request: AwsRequest): FrontResponse {
    const names = Array.isArray(request.json?.ConfigRuleNames) ? (request.json!.ConfigRuleNames as string[]) : undefined;
    const inRegion = [...this.ruleStatuses.entries()].filter(([key]) => key.startsWith(`${request.region}|`)).map(([, s]) => s);
    const wanted = names ? inRegion.filter((s) => names.includes(s.ConfigRuleName as string)) : inRegion;
    return jsonResponse(request, { ConfigRulesEvaluationStatus: wanted });
  }

  private describeRemediationConfigurations(request: AwsRequest): FrontResponse {
    const names = request.json?.ConfigRuleNames;
    if (!Array.isArray(names)) return validation(request, "Value null at 'configRuleNames' failed to satisfy constraint: Member must not be null");
    const found = (this.remediations.get(request.region) ?? []).filter((r) => names.includes(r.ConfigRuleName as string));
    return jsonResponse(request, { RemediationConfigurations: found });
  }

  /** The rule's results sorted by key (cached until the next write; callers must not modify it). */
  private sortedResults(ruleName: string): readonly StoredResult[] {
    let sorted = this.sorted.get(ruleName);
    if (!sorted) {
      sorted = sortByKey(this.store.get(ruleName));
      this.sorted.set(ruleName, sorted);
    }
    return sorted;
  }

  private storeResult(ruleName: string, result: StoredResult): void {
    const results = this.store.get(ruleName) ?? new Map<string, StoredResult>();
    this.store.set(ruleName, results);
    this.sorted.delete(ruleName);
    // A NOT_APPLICABLE result replaces the resource's result like any other: GetComplianceDetailsByConfigRule
    // lists it only when ComplianceTypes asks for NOT_APPLICABLE, and `results()` leaves it out.
    results.set(resultKey(result), result);
  }
}

function validation(request: AwsRequest, detail: string): FrontResponse {
  return errorResponse(request, 400, 'ValidationException', `1 validation error detected: ${detail}`);
}

/** Returns the failing member and constraint, or undefined when the evaluation is valid. */
function invalidEvaluation(e: Record<string, unknown>): string | undefined {
  const str = (v: unknown, min: number, max: number) => typeof v === 'string' && v.length >= min && v.length <= max;
  if (!str(e.ComplianceResourceType, 1, 256)) return "complianceResourceType' failed to satisfy constraint: Member must have length between 1 and 256";
  if (!str(e.ComplianceResourceId, 1, 768)) return "complianceResourceId' failed to satisfy constraint: Member must have length between 1 and 768";
  // The Evaluation type accepts only these three; INSUFFICIENT_DATA is Config's own verdict.
  if (!['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'].includes(e.ComplianceType as string)) {
    return "complianceType' failed to satisfy constraint: Member must satisfy enum value set: [COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE]";
  }
  if (e.Annotation !== undefined && !str(e.Annotation, 1, MAX_ANNOTATION)) {
    return `annotation' failed to satisfy constraint: Member must have length between 1 and ${MAX_ANNOTATION}`;
  }
  if (!decodeTimestamp(e.OrderingTimestamp)) return "orderingTimestamp' failed to satisfy constraint: Member must not be null";
  return undefined;
}

const resourceKey = (type: string, id: string): string => `${type}|${id}`;
const resultKey = (r: { resourceType: string; resourceId: string }): string => resourceKey(r.resourceType, r.resourceId);

function sortByKey(results: Map<string, StoredResult> | undefined): StoredResult[] {
  // The map is keyed by resultKey already: sort the keys once rather than rebuilding them per comparison.
  return [...(results?.entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

/** Index of the first result whose key sorts after `key` (binary search over results sorted by key). */
function firstAfter(results: readonly StoredResult[], key: string): number {
  let low = 0;
  let high = results.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (resultKey(results[mid]) <= key) low = mid + 1;
    else high = mid;
  }
  return low;
}

const encodeToken = (value: string): string => Buffer.from(value, 'utf8').toString('base64url');

function decodeToken(token: string): string | undefined {
  const value = Buffer.from(token, 'base64url').toString('utf8');
  return encodeToken(value) === token ? value : undefined;
}

/** AWS JSON timestamps are epoch seconds (possibly fractional); accept ISO strings too. */
function decodeTimestamp(value: unknown): Date | undefined {
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value);
  if (value instanceof Date) return value;
  return undefined;
}

const epochSeconds = (date: Date): number => date.getTime() / 1000;

/** Converts an event-shaped or API-shaped configuration item to the API shape Config returns. */
export function toApiConfigurationItem(resourceType: string, resourceId: string, input: HistoryItemInput): Record<string, unknown> {
  const item = input as Record<string, unknown>;
  const configuration = item.configuration;
  const supplementary = (item.supplementaryConfiguration ?? {}) as Record<string, unknown>;
  const relationships = Array.isArray(item.relationships) ? (item.relationships as Record<string, unknown>[]) : [];
  const capture = decodeTimestamp(item.configurationItemCaptureTime) ?? new Date();
  const created = decodeTimestamp(item.resourceCreationTime);
  const api: Record<string, unknown> = {
    version: item.version ?? item.configurationItemVersion ?? '1.3',
    accountId: item.accountId ?? item.awsAccountId ?? '123456789012',
    configurationItemCaptureTime: epochSeconds(capture),
    configurationItemStatus: item.configurationItemStatus ?? 'OK',
    configurationStateId: String(item.configurationStateId ?? capture.getTime()),
    configurationItemMD5Hash: item.configurationItemMD5Hash ?? '',
    arn: item.arn ?? item.ARN,
    resourceType,
    resourceId,
    resourceName: item.resourceName ?? undefined,
    awsRegion: item.awsRegion ?? 'us-east-1',
    availabilityZone: item.availabilityZone,
    resourceCreationTime: created ? epochSeconds(created) : undefined,
    tags: item.tags ?? {},
    relatedEvents: item.relatedEvents ?? [],
    // Events call the relationship's name `name`; the API calls it `relationshipName`.
    relationships: relationships.map(({ name, ...rest }) => ({ ...rest, relationshipName: rest.relationshipName ?? name })),
    // The real API returns configuration (and each supplementary value) as a JSON string.
    configuration: typeof configuration === 'string' ? configuration : JSON.stringify(configuration ?? null),
    supplementaryConfiguration: Object.fromEntries(
      Object.entries(supplementary).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ),
  };
  return Object.fromEntries(Object.entries(api).filter(([, v]) => v !== undefined));
}
