import {
  GetComplianceDetailsByConfigRuleCommand,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import { fetchError } from './aws-errors';

/** One result AWS Config holds for the rule, as much of it as the sweep compares. */
export interface CurrentResult {
  readonly resourceId: string;
  readonly complianceType: string;
  /** Absent when the evaluation carried none. */
  readonly annotation?: string;
}

/** Config's largest page for this call. */
const PAGE = 100;

/**
 * Pages through every result AWS Config holds for the rule and yields those for resources of
 * `resourceType` (results for other types are left alone: a rule may have been re-scoped, and those
 * are not ours to clear).
 *
 * What Config returns, per the AWS Config API Reference (GetComplianceDetailsByConfigRule,
 * EvaluationResult, EvaluationResultIdentifier): `EvaluationResults[]`, each with `ComplianceType`,
 * `Annotation` (1-256 characters, absent when the evaluation had none), `ResultRecordedTime`,
 * `ConfigRuleInvokedTime` and `EvaluationResultIdentifier` (`EvaluationResultQualifier` with
 * `ConfigRuleName`, `ResourceType`, `ResourceId`, `EvaluationMode`; `OrderingTimestamp`). `Limit` is
 * at most 100 (default 10). `ComplianceTypes` accepts COMPLIANT, NON_COMPLIANT and NOT_APPLICABLE
 * (INSUFFICIENT_DATA cannot be used to filter): all three are asked for, so a resource Config already
 * holds as NOT_APPLICABLE is not reported again. Where Config keeps no NOT_APPLICABLE results, such a
 * resource is simply not held, and the sweep sends it, as it must for anything Config does not hold.
 */
export async function* currentResults(
  config: ConfigServiceClient,
  ruleName: string,
  resourceType: string,
): AsyncGenerator<CurrentResult[]> {
  let token: string | undefined;
  do {
    let out;
    try {
      out = await config.send(
        new GetComplianceDetailsByConfigRuleCommand({
          ConfigRuleName: ruleName,
          ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'],
          Limit: PAGE,
          NextToken: token,
        }),
      );
    } catch (cause) {
      throw fetchError(`GetComplianceDetailsByConfigRule for rule ${ruleName}`, cause);
    }
    const page: CurrentResult[] = [];
    for (const r of out.EvaluationResults ?? []) {
      const q = r.EvaluationResultIdentifier?.EvaluationResultQualifier;
      if (q?.ResourceType !== resourceType || !q.ResourceId) continue;
      page.push({ resourceId: q.ResourceId, complianceType: String(r.ComplianceType), annotation: r.Annotation });
    }
    yield page;
    token = out.NextToken;
  } while (token);
}
