import type { RuleDefinition } from '../kit/rule-definition';
import { accountDefaultsRule } from './imdsv2-account-defaults/definition';
import { autoScalingGroupRule } from './imdsv2-auto-scaling-group/definition';
import { instanceRule } from './imdsv2-instance/definition';
import { launchConfigurationRule } from './imdsv2-launch-configuration/definition';
import { launchTemplateRule } from './imdsv2-launch-template/definition';

/** Every rule, in the order they are documented and deployed. */
export const RULES: ReadonlyArray<RuleDefinition<any>> = [
  instanceRule,
  launchTemplateRule,
  launchConfigurationRule,
  autoScalingGroupRule,
  accountDefaultsRule,
];

export type RuleId = (typeof RULE_IDS)[number];
export const RULE_IDS = [
  'imdsv2-instance',
  'imdsv2-launch-template',
  'imdsv2-launch-configuration',
  'imdsv2-auto-scaling-group',
  'imdsv2-account-defaults',
] as const;
