import { MaximumExecutionFrequency } from 'aws-cdk-lib/aws-config';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { InvalidParameterError } from '../lambda/kit/errors';
import { parseParameters } from '../lambda/kit/parameters';
import { configRuleName } from '../lambda/kit/rule-definition';
import { RULE_IDS, RULES, type RuleId } from '../lambda/rules/catalog';
import { DEFAULT_RUNTIME, nodeRuntimeProblem } from './bundling';
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
      parameters: opt(K.parameters, ruleParameters),
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

/**
 * Rule parameters keyed by rule id, checked here with each rule's own schema (the one its Lambda
 * parses with) so that a mistake is reported against this key rather than deep in a construct.
 * Parameters of a rule not deployed are allowed here: the StackSet member template offers every
 * rule; the single-account app refuses them (lib/guard-app.ts).
 */
function ruleParameters(key: string, value: unknown): Imdsv2RuleParameters {
  const parsed = jsonObject(key, value, 'expected a JSON object keyed by rule id');
  for (const [id, given] of Object.entries(parsed)) {
    const rule = RULES.find((r) => r.id === id);
    if (!rule) fail(key, `unknown rule id ${id} (expected one of ${RULE_IDS.join(', ')})`);
    if (typeof given !== 'object' || given === null || Array.isArray(given)) fail(key, `${id}: expected an object of parameter values`);
    try {
      parseParameters(rule.parameters, given);
    } catch (e) {
      if (e instanceof InvalidParameterError) fail(key, `${id}: ${e.message}`);
      throw e;
    }
  }
  return parsed as Imdsv2RuleParameters;
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
  if (!found) fail(key, `unknown Lambda runtime "${name}" (e.g. ${DEFAULT_RUNTIME.name})`);
  return named(key, found, (r) => nodeRuntimeProblem(r, 'the functions'));
}
