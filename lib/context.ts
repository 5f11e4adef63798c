import { MaximumExecutionFrequency } from 'aws-cdk-lib/aws-config';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { configRuleName } from '../lambda/kit/rule-definition';
import { RULE_IDS, RULES, type RuleId } from '../lambda/rules/catalog';
import { fail, flag, integer, jsonObject, named, oneOf, optionalContext, text } from './context-values';
import type { Imdsv2GuardStackProps, Imdsv2RuleParameters } from './imdsv2-guard-stack';
import type { LogLevel } from './imdsv2-rule';
import { ruleNamePrefixProblem, stackNameProblem } from './naming';
import { remediationFromContext } from './remediation';

/** The CDK context keys the app reads (defaults in cdk.json; override with `-c key=value`). */
export const CONTEXT_KEYS = {
  stackName: 'imdsv2-guard:stackName',
  rules: 'imdsv2-guard:rules',
  frequency: 'imdsv2-guard:frequency',
  parameters: 'imdsv2-guard:parameters',
  logRetentionDays: 'imdsv2-guard:logRetentionDays',
  logLevel: 'imdsv2-guard:logLevel',
  runtime: 'imdsv2-guard:runtime',
  architecture: 'imdsv2-guard:architecture',
  memorySize: 'imdsv2-guard:memorySize',
  ruleNamePrefix: 'imdsv2-guard:ruleNamePrefix',
  controlIdsInName: 'imdsv2-guard:controlIdsInName',
} as const;

export const DEFAULT_STACK_NAME = 'Imdsv2Guard';

const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];

export interface GuardConfig {
  readonly stackName: string;
  readonly props: Imdsv2GuardStackProps;
}

/**
 * Reads the app's settings from CDK context. Values given on the command line arrive as strings,
 * values from cdk.json as JSON, so every reader accepts both. Absent keys leave the stack defaults.
 */
export function configFromContext(node: Node): GuardConfig {
  const K = CONTEXT_KEYS;
  const opt = <T>(key: string, parse: (k: string, v: unknown) => T): T | undefined => optionalContext(node, key, parse);
  // The rule name prefix may be empty on purpose (no prefix), so '' is a value here, not an absence.
  const prefix: unknown = node.tryGetContext(K.ruleNamePrefix);
  const controlIdsInName = opt(K.controlIdsInName, flag);
  return {
    stackName: opt(K.stackName, (k, v) => named(k, text(k, v), stackNameProblem)) ?? DEFAULT_STACK_NAME,
    props: {
      rules: opt(K.rules, ruleIds),
      maximumExecutionFrequency: opt(K.frequency, (k, v) => oneOf(k, v, Object.values(MaximumExecutionFrequency))),
      parameters: opt(K.parameters, (k, v) => jsonObject(k, v, 'expected a JSON object keyed by rule id') as Imdsv2RuleParameters),
      logRetention: opt(K.logRetentionDays, retention),
      logLevel: opt(K.logLevel, (k, v) => oneOf(k, v, LOG_LEVELS)),
      runtime: opt(K.runtime, runtime),
      architecture: opt(K.architecture, (k, v) =>
        oneOf(k, v, ['arm64', 'x86_64']) === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64,
      ),
      memorySize: opt(K.memorySize, (k, v) => integer(k, v, { min: 128, max: 10240 })),
      ruleNamePrefix: prefix === undefined ? undefined : named(K.ruleNamePrefix, text(K.ruleNamePrefix, prefix, true), (p) => ruleNamePrefixProblem(p, longestRuleName(controlIdsInName ?? false))),
      controlIdsInName,
      remediation: remediationFromContext(node),
    },
  };
}

/** The longest rule name without a prefix: with control ids as the StackSet member template names rules. */
export function longestRuleName(controlIdsInName: boolean): string {
  return RULES.map((r) => configRuleName(r, '', controlIdsInName)).sort((a, b) => b.length - a.length)[0];
}

function ruleIds(key: string, value: unknown): RuleId[] {
  const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(items)) fail(key, 'expected a list of rule ids or a comma-separated string');
  return items.map((id) => oneOf(key, id, RULE_IDS));
}

function retention(key: string, value: unknown): RetentionDays {
  const days = integer(key, value, { min: 1, max: RetentionDays.INFINITE });
  const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) fail(key, `CloudWatch Logs accepts ${allowed.join(', ')} days`);
  return days as RetentionDays;
}

function runtime(key: string, value: unknown): Runtime {
  const name = text(key, value);
  // Runtime.ALL also lists NODEJS_LATEST (a moving alias sharing its name): pin the real runtime.
  const found = Runtime.ALL.find((r) => r.name === name && !r.isVariable);
  if (!found) fail(key, `unknown Lambda runtime "${name}" (e.g. nodejs22.x)`);
  return found;
}
