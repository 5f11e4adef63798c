import { loadEc2Client } from '../../kit/client-loaders';
import { resourceRuleHandlers } from '../../kit/create-handler';
import type { ResourceRule } from '../../kit/rule-module';
import { launchTemplateRule, type LaunchTemplateParameters } from './definition';
import { evaluate } from './evaluate';
import { launchTemplateFromItem, launchTemplatePages } from './fetch';
import type { LaunchTemplateSubject } from './subject';

export const rule: ResourceRule<LaunchTemplateParameters, LaunchTemplateSubject> = {
  definition: launchTemplateRule,
  fromItem: launchTemplateFromItem,
  listPages: launchTemplatePages,
  resourceIdOf: (s) => s.launchTemplateId,
  evaluate,
};

/** AWS Config invokes `handler`: parse → complete → evaluate → PutEvaluations; returns what was sent. */
export const { handler, makeHandler } = resourceRuleHandlers(rule, { ec2: loadEc2Client });
