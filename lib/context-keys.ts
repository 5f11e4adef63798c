import type { Node } from 'constructs';
import { closestMatch } from './closest-match';
import { CONTEXT_KEYS } from './context';
import { ContextError } from './context-error';
import { GUARDRAIL_CONTEXT_KEYS } from './guardrails/guardrails-context';
import { REMEDIATION_CONTEXT_KEYS } from './remediation/remediation-context';
import { MANAGEMENT_CONTEXT_KEYS } from './stackset/management-context';

let allKeys: readonly string[] | undefined;

/**
 * Every `imdsv2-guard:*` context key the app reads, from the readers' own key tables. Built on first
 * use, not at load: the StackSet packaging checks keys too, and its module is itself reached from
 * one of those tables' modules (an import cycle that a value read at load would trip over).
 */
export function allContextKeys(): readonly string[] {
  allKeys ??= [CONTEXT_KEYS, REMEDIATION_CONTEXT_KEYS, GUARDRAIL_CONTEXT_KEYS, MANAGEMENT_CONTEXT_KEYS].flatMap((table) => Object.values(table));
  return allKeys;
}

// Also catches the prefix itself mistyped (Imdsv2-Guard:, imdsv2_guard:, imdsv2guard-).
const OURS = /^imdsv2[-_]?guard/i;

/**
 * Refuses an `imdsv2-guard*` context key the app does not read, naming the closest valid one: a
 * mistyped key would otherwise be ignored silently and its setting left at the default (a
 * remediation meant to be on, a guardrail meant to be enforced). Other keys (CDK feature flags,
 * `aws:cdk:*`) are not ours to judge.
 */
export function checkContextKeys(node: Node): void {
  const keys = allContextKeys();
  const given = Object.keys(node.getAllContext() as Record<string, unknown>).sort();
  const unknown = given.filter((k) => OURS.test(k) && !keys.includes(k));
  if (unknown.length === 0) return;
  const key = unknown[0];
  // Compared without the shared prefix, which every key has and which would hide the difference.
  const rest = (k: string) => k.replace(OURS, '');
  const suggestion = closestMatch(rest(key), keys.map(rest));
  const others = unknown.length > 1 ? ` (also unknown: ${unknown.slice(1).join(', ')})` : '';
  const hint = suggestion !== undefined ? `did you mean "${keys[keys.map(rest).indexOf(suggestion)]}"?` : `the keys are ${keys.join(', ')}`;
  throw new ContextError(key, `unknown key; ${hint}${others}`);
}
