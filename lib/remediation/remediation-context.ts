import type { Node } from 'constructs';
import { RULE_IDS, type RuleId } from '../../lambda/rules/catalog';
import type { StaticParameterValue } from './document-content';
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

function fail(key: string, message: string): never {
  throw new Error(`Context "${key}": ${message}`);
}

function read(node: Node, key: string): unknown {
  const v = node.tryGetContext(key);
  return v === '' || v === null ? undefined : v;
}

function integer(key: string, value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) fail(key, `expected an integer, got ${JSON.stringify(value)}`);
  return n;
}

function overrides(value: unknown): Partial<Record<RuleId, RemediationOverrides>> {
  const key = REMEDIATION_CONTEXT_KEYS.overrides;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      fail(key, 'is not valid JSON');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(key, 'expected a JSON object keyed by rule id');
  const out: Partial<Record<RuleId, RemediationOverrides>> = {};
  for (const [id, o] of Object.entries(parsed as Record<string, unknown>)) {
    if (!(RULE_IDS as readonly string[]).includes(id)) fail(key, `unknown rule id ${id}`);
    if (typeof o !== 'object' || o === null || Array.isArray(o)) fail(key, `${id}: expected {"mode": ..., "parameters": {...}}`);
    const { mode, parameters, ...rest } = o as Record<string, unknown>;
    if (Object.keys(rest).length > 0) fail(key, `${id}: unknown setting(s) ${Object.keys(rest).join(', ')}`);
    if (mode !== undefined && !MODES.slice(1).includes(mode as RemediationMode)) fail(key, `${id}: mode must be documents-only, manual or automatic`);
    if (parameters !== undefined && (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))) {
      fail(key, `${id}: parameters must be an object of document parameter values`);
    }
    out[id as RuleId] = {
      ...(mode !== undefined ? { mode: mode as RemediationMode } : {}),
      ...(parameters !== undefined ? { parameters: parameters as Record<string, StaticParameterValue> } : {}),
    };
  }
  return out;
}

/**
 * The remediation settings CDK context asks for, or undefined for none (the default: remediation
 * is opt-in). Values from the command line arrive as strings, values from cdk.json as JSON.
 */
export function remediationFromContext(node: Node): Imdsv2RemediationsSettings | undefined {
  const mode = read(node, REMEDIATION_CONTEXT_KEYS.mode);
  if (mode === undefined || mode === 'none') return undefined;
  if (typeof mode !== 'string' || !MODES.includes(mode as RemediationMode)) {
    fail(REMEDIATION_CONTEXT_KEYS.mode, `expected one of ${MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  const attempts = read(node, REMEDIATION_CONTEXT_KEYS.maximumAutomaticAttempts);
  const retry = read(node, REMEDIATION_CONTEXT_KEYS.retryAttemptSeconds);
  const o = read(node, REMEDIATION_CONTEXT_KEYS.overrides);
  return {
    mode: mode as RemediationMode,
    ...(attempts !== undefined ? { maximumAutomaticAttempts: integer(REMEDIATION_CONTEXT_KEYS.maximumAutomaticAttempts, attempts) } : {}),
    ...(retry !== undefined ? { retryAttemptSeconds: integer(REMEDIATION_CONTEXT_KEYS.retryAttemptSeconds, retry) } : {}),
    ...(o !== undefined ? { overrides: overrides(o) } : {}),
  };
}
