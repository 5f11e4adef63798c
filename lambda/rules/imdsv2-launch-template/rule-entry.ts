import type { RuleEntry } from '../common/rule-entry';
import { launchTemplateRule, type LaunchTemplateParameters } from './definition';
import { actions } from './permissions';
import { remediation } from './remediation';
import { scan } from './scan';

/** Everything about the imdsv2-launch-template rule, for the catalog (never imported by its handler). */
export const entry: RuleEntry<LaunchTemplateParameters, typeof launchTemplateRule.id, typeof scan.kind> = { definition: launchTemplateRule, actions, scan, remediation };
