import { loadEc2ClientOnFirstUse } from '../../kit/ec2-on-first-use';
import { resourceRuleHandlers } from '../../kit/create-handler';
import type { ResourceRule } from '../../kit/rule-module';
import { instanceRule, type InstanceParameters } from './definition';
import { evaluate } from './evaluate';
import { instanceFromItem, instancePages } from './fetch';
import type { InstanceSubject } from './subject';

export const rule: ResourceRule<InstanceParameters, InstanceSubject> = {
  definition: instanceRule,
  fromItem: instanceFromItem,
  listPages: instancePages,
  resourceIdOf: (s) => s.instanceId,
  evaluate,
};

/** AWS Config invokes `handler`: parse → complete → evaluate → PutEvaluations; returns what was sent. */
export const { handler, makeHandler } = resourceRuleHandlers(rule, { ec2: loadEc2ClientOnFirstUse });
