import type { RuleDefinition } from '../../kit/rule-definition';
import { booleanParam } from '../../kit/parameters';
import { acceptInheritedDefaultsParam, exemptionTagKeyParam, maxExemptionDaysParam, maxHopLimitParam } from '../common/parameters';

export interface AutoScalingGroupParameters {
  readonly checkInstances: boolean;
  readonly maxHopLimit?: number;
  readonly exemptionTagKey?: string;
  readonly maxExemptionDays?: number;
  readonly acceptInheritedDefaults: boolean;
}

export const autoScalingGroupRule: RuleDefinition<AutoScalingGroupParameters, 'imdsv2-auto-scaling-group'> = {
  id: 'imdsv2-auto-scaling-group',
  resourceType: 'AWS::AutoScaling::AutoScalingGroup',
  controls: [],
  summary:
    'Auto Scaling groups must launch from sources that require IMDSv2 (launch configuration, exact launch template version, every mixed-instances template) and have no live instance still accepting IMDSv1.',
  changeTriggered: true,
  parameters: {
    checkInstances: booleanParam({
      description: 'Also fail the group when in-service instances still accept IMDSv1 (they need an instance refresh).',
      defaultValue: true,
    }),
    maxHopLimit: maxHopLimitParam(),
    exemptionTagKey: exemptionTagKeyParam,
    maxExemptionDays: maxExemptionDaysParam,
    acceptInheritedDefaults: acceptInheritedDefaultsParam,
  },
};
