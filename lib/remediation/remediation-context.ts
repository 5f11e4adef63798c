import type { Node } from 'constructs';
import { fail, integer, jsonObject, oneOf, optionalContext } from '../context-values';
import { RULE_IDS, type RuleId } from '../../lambda/rules/catalog';
import { PROJECT_ROOT } from '../bundling';
import { readDocument, staticValue, type StaticParameterValue } from './document-content';
import type { RemediationMode } from './imdsv2-remediation';
import type { Imdsv2RemediationsSettings, RemediationOverrides } from './imdsv2-remediations';

/** CDK context keys for remediation (`-c key=value`); absent or `none` deploys no remediation. */
export const REMEDIATION_CONTEXT_KEYS = {
  mode: 'imdsv2-guard:remediation',
  overrides: 'imdsv2-guard:remediationOverrides',
  maximumAutomaticAttempts: 'imdsv2-guard:remediationMaxAttempts',
  retryAttemptSeconds: 'imdsv2-guard:remediationRetrySeconds',
} as const;

const MODES: ReadonlyArray<RemediationMode | 'none'> = ['none', 'documents-only', 'manual', 'automatic'];

function overrides(key: string, value: unknown): Partial<Record<RuleId, RemediationOverrides>> {
  const parsed = jsonObject(key, value, 'expected a JSON object keyed by rule id');
  const out: Partial<Record<RuleId, RemediationOverrides>> = {};
  for (const [id, o] of Object.entries(parsed)) {
    if (!(RULE_IDS as readonly string[]).includes(id)) fail(key, `unknown rule id ${id}`);
    if (typeof o !== 'object' || o === null || Array.isArray(o)) fail(key, `${id}: expected {"mode": ..., "parameters": {...}}`);
    const { mode, parameters, ...rest } = o as Record<string, unknown>;
    if (Object.keys(rest).length > 0) fail(key, `${id}: unknown setting(s) ${Object.keys(rest).join(', ')}`);
    if (mode !== undefined && !MODES.slice(1).includes(mode as RemediationMode)) fail(key, `${id}: mode must be documents-only, manual or automatic`);
    if (parameters !== undefined && (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))) {
      fail(key, `${id}: parameters must be an object of document parameter values`);
    }
    checkDocumentParameters(key, id, (parameters ?? {}) as Record<string, unknown>);
    out[id as RuleId] = {
      ...(mode !== undefined ? { mode: mode as RemediationMode } : {}),
      ...(parameters !== undefined ? { parameters: parameters as Record<string, StaticParameterValue> } : {}),
    };
  }
  return out;
}

/**
 * Each value checked against the rule's document as the construct will check it (lib/remediation/
 * document-content.ts), so that a mistake is reported against this key.
 */
function checkDocumentParameters(key: string, id: string, parameters: Record<string, unknown>): void {
  if (Object.keys(parameters).length === 0) return;
  const doc = readDocument(PROJECT_ROOT, id);
  for (const [name, value] of Object.entries(parameters)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) fail(key, `${id}: parameter ${name}: expected a string, number or boolean`);
    try {
      staticValue(doc, id, name, value as StaticParameterValue);
    } catch (e) {
      fail(key, (e as Error).message);
    }
  }
}

/**
 * The remediation settings CDK context asks for, or undefined for none (the default: remediation
 * is opt-in). Values from the command line arrive as strings, values from cdk.json as JSON.
 */
export function remediationFromContext(node: Node): Imdsv2RemediationsSettings | undefined {
  const K = REMEDIATION_CONTEXT_KEYS;
  const mode = optionalContext(node, K.mode, (k, v) => oneOf(k, v, MODES));
  if (mode === undefined || mode === 'none') return undefined;
  const attempts = optionalContext(node, K.maximumAutomaticAttempts, integer);
  const retry = optionalContext(node, K.retryAttemptSeconds, integer);
  const o = optionalContext(node, K.overrides, overrides);
  return {
    mode,
    ...(attempts !== undefined ? { maximumAutomaticAttempts: attempts } : {}),
    ...(retry !== undefined ? { retryAttemptSeconds: retry } : {}),
    ...(o !== undefined ? { overrides: o } : {}),
  };
}
