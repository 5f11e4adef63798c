import type { App } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import type { Imdsv2DeclarativePolicyProps, Imdsv2GuardrailsProps } from './imdsv2-guardrails';
import { Imdsv2GuardrailsStack } from './imdsv2-guardrails-stack';

/**
 * CDK context keys of the guardrails stack (all optional; `-c key=value` or cdk.json). The stack
 * exists only when `imdsv2-guard:guardrails` is true: it is opt-in and deployed from the
 * management account, unlike the detection stack.
 */
export const GUARDRAIL_CONTEXT_KEYS = {
  enabled: 'imdsv2-guard:guardrails',
  stackName: 'imdsv2-guard:guardrails:stackName',
  mode: 'imdsv2-guard:guardrails:mode',
  targetIds: 'imdsv2-guard:guardrails:targetIds',
  breakGlassRoleNames: 'imdsv2-guard:guardrails:breakGlassRoleNames',
  exemptAccountIds: 'imdsv2-guard:guardrails:exemptAccountIds',
  maxHopLimit: 'imdsv2-guard:guardrails:maxHopLimit',
  denyLaunchConfigurations: 'imdsv2-guard:guardrails:denyLaunchConfigurations',
  metadataDefaultsLock: 'imdsv2-guard:guardrails:metadataDefaultsLock',
  hardeningRoleNames: 'imdsv2-guard:guardrails:hardeningRoleNames',
  partition: 'imdsv2-guard:guardrails:partition',
  declarativePolicy: 'imdsv2-guard:guardrails:declarativePolicy',
} as const;

export const DEFAULT_GUARDRAILS_STACK_NAME = 'Imdsv2GuardGuardrails';

export interface GuardrailsConfig {
  readonly enabled: boolean;
  readonly stackName: string;
  readonly props: Imdsv2GuardrailsProps;
}

function fail(key: string, message: string): never {
  throw new Error(`Context "${key}": ${message}`);
}

function bool(key: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(key, `expected true or false, got ${JSON.stringify(value)}`);
}

/** A list from JSON (cdk.json) or a comma-separated string (`-c key=a,b`). */
function list(key: string, value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : value;
  if (!Array.isArray(items) || !items.every((i) => typeof i === 'string')) fail(key, 'expected a list of strings or a comma-separated string');
  return items as string[];
}

function integer(key: string, value: unknown): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) fail(key, `expected an integer, got ${JSON.stringify(value)}`);
  return n;
}

function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(key, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function declarative(key: string, value: unknown): Imdsv2DeclarativePolicyProps | undefined {
  if (value === true || value === 'true') return {};
  if (value === false || value === 'false') return undefined;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      fail(key, 'expected true, false or a JSON object');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(key, 'expected true, false or a JSON object');
  // Field values are validated by the construct, which names the offending setting.
  return parsed as Imdsv2DeclarativePolicyProps;
}

/** Reads the guardrails settings from CDK context; absent keys keep the construct defaults. */
export function guardrailsConfigFromContext(node: Node): GuardrailsConfig {
  const K = GUARDRAIL_CONTEXT_KEYS;
  const read = (key: string): unknown => {
    const v = node.tryGetContext(key);
    return v === '' || v === null ? undefined : v;
  };
  const opt = <T>(key: string, parse: (k: string, v: unknown) => T): T | undefined => {
    const v = read(key);
    return v === undefined ? undefined : parse(key, v);
  };
  const stackName = opt(K.stackName, (k, v) => (typeof v === 'string' ? v : fail(k, 'expected a string')));
  return {
    enabled: opt(K.enabled, bool) ?? false,
    stackName: stackName ?? DEFAULT_GUARDRAILS_STACK_NAME,
    props: {
      mode: opt(K.mode, (k, v) => oneOf(k, v, ['review', 'enforce'] as const)),
      targetIds: opt(K.targetIds, list),
      breakGlassRoleNames: opt(K.breakGlassRoleNames, list),
      exemptAccountIds: opt(K.exemptAccountIds, list),
      maxHopLimit: opt(K.maxHopLimit, integer),
      denyLaunchConfigurations: opt(K.denyLaunchConfigurations, bool),
      metadataDefaultsLock: opt(K.metadataDefaultsLock, (k, v) => oneOf(k, v, ['weakening', 'all'] as const)),
      hardeningRoleNames: opt(K.hardeningRoleNames, list),
      partition: opt(K.partition, (k, v) => (typeof v === 'string' ? v : fail(k, 'expected a string'))),
      declarativePolicy: opt(K.declarativePolicy, declarative),
    },
  };
}

/**
 * Adds the guardrails stack to the app when `imdsv2-guard:guardrails` is true; otherwise does
 * nothing. Call it after `configureApp(app)`, whose cdk-nag plugin then checks this stack too.
 */
export function addGuardrailsFromContext(app: App): Imdsv2GuardrailsStack | undefined {
  const config = guardrailsConfigFromContext(app.node);
  if (!config.enabled) return undefined;
  return new Imdsv2GuardrailsStack(app, config.stackName, config.props);
}
