import type { RuleDefinition } from '../kit/rule-definition';
import type { RuleEntry } from './common/rule-entry';
import { entry as accountDefaults } from './imdsv2-account-defaults/rule-entry';
import { entry as autoScalingGroup } from './imdsv2-auto-scaling-group/rule-entry';
import { entry as instance } from './imdsv2-instance/rule-entry';
import { entry as launchConfiguration } from './imdsv2-launch-configuration/rule-entry';
import { entry as launchTemplate } from './imdsv2-launch-template/rule-entry';

/**
 * Every rule, in the order they are documented, deployed and reported: one line per rule folder.
 * The CDK constructs, the StackSet template, the scanner, its help and flags derive from this list.
 */
export const CATALOG = [instance, launchTemplate, launchConfiguration, autoScalingGroup, accountDefaults] as const;

/** One catalog entry. */
export type CatalogEntry = (typeof CATALOG)[number];

export type RuleId = CatalogEntry['definition']['id'];
export const RULE_IDS: readonly RuleId[] = CATALOG.map((e) => e.definition.id);

/** The scanner's resource kind of each rule (`instance`, `launch-template`, ...). */
export type ScanKind = CatalogEntry['scan']['kind'];

/** The catalog with each rule's own parameter and subject types erased, for code that treats every rule alike. */
export const RULE_ENTRIES: ReadonlyArray<RuleEntry<any, RuleId, ScanKind>> = CATALOG;

/** The rule definitions, in catalog order. */
export const RULES: ReadonlyArray<RuleDefinition<any>> = RULE_ENTRIES.map((e) => e.definition);

/** The catalog entry of a rule id. */
export type EntryOf<Id extends RuleId> = Extract<CatalogEntry, { readonly definition: { readonly id: Id } }>;

/** A rule's parameters, as its definition types them. */
export type RuleParameters<Id extends RuleId> = EntryOf<Id>['definition'] extends RuleDefinition<infer P, Id> ? P : never;
