import type { RuleEntry } from '../common/rule-entry';
import { launchConfigurationRule, type LaunchConfigurationParameters } from './definition';
import { actions } from './permissions';
import { remediation } from './remediation';
import { scan } from './scan';

/** Everything about the imdsv2-launch-configuration rule, for the catalog (never imported by its handler). */
export const entry: RuleEntry<LaunchConfigurationParameters, typeof launchConfigurationRule.id, typeof scan.kind> = { definition: launchConfigurationRule, actions, scan, remediation };
