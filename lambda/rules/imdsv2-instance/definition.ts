import type { RuleDefinition } from '../../kit/rule-definition';
import { exemptionTagKeyParam, maxExemptionDaysParam, maxHopLimitParam } from '../common/parameters';

export interface InstanceParameters {
  readonly maxHopLimit?: number;
  readonly exemptionTagKey?: string;
  readonly maxExemptionDays?: number;
}

export const instanceRule: RuleDefinition<InstanceParameters, 'imdsv2-instance'> = {
  id: 'imdsv2-instance',
  resourceType: 'AWS::EC2::Instance',
  controls: ['EC2.8'],
  managedRule: 'ec2-imdsv2-check',
  summary:
    'EC2 instances must require IMDSv2 (HttpTokens=required) or have the metadata endpoint disabled; optional hop-limit cap and dated exemptions.',
  changeTriggered: true,
  parameters: {
    maxHopLimit: maxHopLimitParam(),
    exemptionTagKey: exemptionTagKeyParam,
    maxExemptionDays: maxExemptionDaysParam,
  },
};
