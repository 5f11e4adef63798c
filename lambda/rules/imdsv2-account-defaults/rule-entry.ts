import type { RuleEntry } from '../common/rule-entry';
import { accountDefaultsRule, type AccountDefaultsParameters } from './definition';
import { actions } from './permissions';
import { remediation } from './remediation';
import { scan } from './scan';

/** Everything about the imdsv2-account-defaults rule, for the catalog (never imported by its handler). */
export const entry: RuleEntry<AccountDefaultsParameters, typeof accountDefaultsRule.id, typeof scan.kind> = { definition: accountDefaultsRule, actions, scan, remediation };
