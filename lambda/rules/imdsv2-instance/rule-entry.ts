import type { RuleEntry } from '../common/rule-entry';
import { instanceRule, type InstanceParameters } from './definition';
import { actions } from './permissions';
import { remediation } from './remediation';
import { scan } from './scan';

/** Everything about the imdsv2-instance rule, for the catalog (never imported by its handler). */
export const entry: RuleEntry<InstanceParameters, typeof instanceRule.id, typeof scan.kind> = { definition: instanceRule, actions, scan, remediation };
