import { loadAutoScalingClient } from '../../kit/client-loaders';
import { resourceRuleHandlers } from '../../kit/create-handler';
import type { ResourceRule } from '../../kit/rule-module';
import { launchConfigurationRule, type LaunchConfigurationParameters } from './definition';
import { evaluate } from './evaluate';
import { launchConfigurationFromItem, launchConfigurationPages } from './fetch';
import type { LaunchConfigurationSubject } from './subject';

export const rule: ResourceRule<LaunchConfigurationParameters, LaunchConfigurationSubject> = {
  definition: launchConfigurationRule,
  fromItem: launchConfigurationFromItem,
  listPages: launchConfigurationPages,
  resourceIdOf: (s) => s.launchConfigurationArn,
  evaluate,
};

/** AWS Config invokes `handler`: parse → complete → evaluate → PutEvaluations; returns what was sent. */
export const { handler, makeHandler } = resourceRuleHandlers(rule, { autoscaling: loadAutoScalingClient });
