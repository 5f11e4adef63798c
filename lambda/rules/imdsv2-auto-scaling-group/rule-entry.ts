import type { RuleEntry } from '../common/rule-entry';
import { autoScalingGroupRule, type AutoScalingGroupParameters } from './definition';
import { actions } from './permissions';
import { remediation } from './remediation';
import { scan } from './scan';

/** Everything about the imdsv2-auto-scaling-group rule, for the catalog (never imported by its handler). */
export const entry: RuleEntry<AutoScalingGroupParameters, typeof autoScalingGroupRule.id, typeof scan.kind> = { definition: autoScalingGroupRule, actions, scan, remediation };
