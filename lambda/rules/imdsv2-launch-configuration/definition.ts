import type { RuleDefinition } from '../../kit/rule-definition';
import { maxHopLimitParam } from '../common/parameters';

export interface LaunchConfigurationParameters {
  /** Defaults to 1, as Security Hub AutoScaling.4 does. */
  readonly maxHopLimit: number;
}

export const launchConfigurationRule: RuleDefinition<LaunchConfigurationParameters, 'imdsv2-launch-configuration'> = {
  id: 'imdsv2-launch-configuration',
  resourceType: 'AWS::AutoScaling::LaunchConfiguration',
  controls: ['AutoScaling.3', 'AutoScaling.4'],
  summary:
    'Auto Scaling launch configurations must require IMDSv2 with a hop limit of at most maxHopLimit (default 1); launch configurations cannot carry tags, so no exemptions.',
  changeTriggered: true,
  parameters: {
    maxHopLimit: maxHopLimitParam(1),
  },
};
