import { loadEc2Client } from '../../kit/client-loaders';
import { accountRuleHandlers } from '../../kit/create-handler';
import type { AccountRule } from '../../kit/rule-module';
import { accountDefaultsRule, type AccountDefaultsParameters } from './definition';
import { evaluate } from './evaluate';
import { loadAccountDefaults } from './fetch';
import type { AccountDefaultsSubject } from './subject';

export const rule: AccountRule<AccountDefaultsParameters, AccountDefaultsSubject> = {
  definition: accountDefaultsRule,
  load: loadAccountDefaults,
  evaluate,
};

/** AWS Config invokes `handler`: parse → complete → evaluate → PutEvaluations; returns what was sent. */
export const { handler, makeHandler } = accountRuleHandlers(rule, { ec2: loadEc2Client });
