import {
  GetComplianceDetailsByConfigRuleCommand,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import { fetchError } from './aws-errors';

/**
 * Pages through the rule's current COMPLIANT / NON_COMPLIANT results and yields the ids of
 * resources of `resourceType` (results for other types are left alone: a rule may have been
 * re-scoped, and those are not ours to clear).
 */
export async function* currentResultIds(
  config: ConfigServiceClient,
  ruleName: string,
  resourceType: string,
): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    let out;
    try {
      out = await config.send(
        new GetComplianceDetailsByConfigRuleCommand({
          ConfigRuleName: ruleName,
          ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
          Limit: 100,
          NextToken: token,
        }),
      );
    } catch (cause) {
      throw fetchError(`GetComplianceDetailsByConfigRule for rule ${ruleName}`, cause);
    }
    for (const r of out.EvaluationResults ?? []) {
      const q = r.EvaluationResultIdentifier?.EvaluationResultQualifier;
      if (q?.ResourceType === resourceType && q.ResourceId) yield q.ResourceId;
    }
    token = out.NextToken;
  } while (token);
}
