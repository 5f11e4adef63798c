import { loadEc2Client, loadAutoScalingClient } from '../../kit/client-loaders';
import { resourceRuleHandlers } from '../../kit/create-handler';
import type { ResourceRule } from '../../kit/rule-module';
import { autoScalingGroupRule, type AutoScalingGroupParameters } from './definition';
import { evaluate } from './evaluate';
import { autoScalingGroupFromItem, autoScalingGroupPages } from './fetch';
import type { AutoScalingGroupSubject } from './subject';

export const rule: ResourceRule<AutoScalingGroupParameters, AutoScalingGroupSubject> = {
  definition: autoScalingGroupRule,
  fromItem: autoScalingGroupFromItem,
  listPages: autoScalingGroupPages,
  resourceIdOf: (s) => s.autoScalingGroupArn,
  evaluate,
};

/** AWS Config invokes `handler`: parse → complete → evaluate → PutEvaluations; returns what was sent. */
export const { handler, makeHandler } = resourceRuleHandlers(rule, { ec2: loadEc2Client, autoscaling: loadAutoScalingClient });
