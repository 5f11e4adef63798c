import type { App } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { flag, integer, jsonObject, list, named, oneOf, optionalContext, text } from '../context-values';
import { accountIdProblem, roleNameProblem, stackNameProblem } from '../naming';
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
  roleAdminRoleNames: 'imdsv2-guard:guardrails:roleAdminRoleNames',
  requireLaunchTemplateVersion: 'imdsv2-guard:guardrails:requireLaunchTemplateVersion',
  partition: 'imdsv2-guard:guardrails:partition',
  declarativePolicy: 'imdsv2-guard:guardrails:declarativePolicy',
} as const;

export const DEFAULT_GUARDRAILS_STACK_NAME = 'Imdsv2GuardGuardrails';

export interface GuardrailsConfig {
  readonly enabled: boolean;
  readonly stackName: string;
  readonly props: Imdsv2GuardrailsProps;
}

function declarative(key: string, value: unknown): Imdsv2DeclarativePolicyProps | undefined {
  if (value === true || value === 'true') return {};
  if (value === false || value === 'false') return undefined;
  const expected = 'expected true, false or a JSON object';
  // Field values are validated by the construct, which names the offending setting.
  return jsonObject(key, value, expected, expected) as Imdsv2DeclarativePolicyProps;
}

/** Reads the guardrails settings from CDK context; absent keys keep the construct defaults. */
export function guardrailsConfigFromContext(node: Node): GuardrailsConfig {
  const K = GUARDRAIL_CONTEXT_KEYS;
  const opt = <T>(key: string, parse: (k: string, v: unknown) => T): T | undefined => optionalContext(node, key, parse);
  const anyText = (k: string, v: unknown) => text(k, v, true);
  const stackName = opt(K.stackName, (k, v) => named(k, text(k, v), stackNameProblem));
  // Role names or patterns (`*`, `?`), or full ARN patterns, which are taken as given.
  const roles = (k: string, v: unknown) => list(k, v).map((n) => (n.startsWith('arn:') ? n : named(k, n, (x) => roleNameProblem(x, true))));
  return {
    enabled: opt(K.enabled, flag) ?? false,
    stackName: stackName ?? DEFAULT_GUARDRAILS_STACK_NAME,
    props: {
      mode: opt(K.mode, (k, v) => oneOf(k, v, ['review', 'enforce'] as const)),
      targetIds: opt(K.targetIds, list),
      breakGlassRoleNames: opt(K.breakGlassRoleNames, roles),
      exemptAccountIds: opt(K.exemptAccountIds, (k, v) => list(k, v).map((id) => named(k, id, accountIdProblem))),
      maxHopLimit: opt(K.maxHopLimit, (k, v) => integer(k, v, { signed: true })),
      denyLaunchConfigurations: opt(K.denyLaunchConfigurations, flag),
      metadataDefaultsLock: opt(K.metadataDefaultsLock, (k, v) => oneOf(k, v, ['weakening', 'all'] as const)),
      hardeningRoleNames: opt(K.hardeningRoleNames, roles),
      roleAdminRoleNames: opt(K.roleAdminRoleNames, roles),
      requireLaunchTemplateVersion: opt(K.requireLaunchTemplateVersion, flag),
      partition: opt(K.partition, anyText),
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
