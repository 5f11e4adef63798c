import { MaximumExecutionFrequency } from 'aws-cdk-lib/aws-config';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { RULE_IDS, type RuleId } from '../lambda/rules/catalog';
import type { Imdsv2GuardStackProps, Imdsv2RuleParameters } from './imdsv2-guard-stack';
import type { LogLevel } from './imdsv2-rule';
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
  const read = (key: string): unknown => {
    const value = node.tryGetContext(key);
    return value === '' || value === null ? undefined : value;
  };
  return {
    stackName: optional(read(CONTEXT_KEYS.stackName), (v) => text(CONTEXT_KEYS.stackName, v)) ?? DEFAULT_STACK_NAME,
    props: {
      rules: optional(read(CONTEXT_KEYS.rules), (v) => ruleIds(v)),
      maximumExecutionFrequency: optional(read(CONTEXT_KEYS.frequency), (v) =>
        oneOf(CONTEXT_KEYS.frequency, v, Object.values(MaximumExecutionFrequency)),
      ),
      parameters: optional(read(CONTEXT_KEYS.parameters), (v) => jsonObject(CONTEXT_KEYS.parameters, v) as Imdsv2RuleParameters),
      logRetention: optional(read(CONTEXT_KEYS.logRetentionDays), (v) => retention(v)),
      logLevel: optional(read(CONTEXT_KEYS.logLevel), (v) => oneOf(CONTEXT_KEYS.logLevel, v, LOG_LEVELS)),
      runtime: optional(read(CONTEXT_KEYS.runtime), (v) => runtime(v)),
      architecture: optional(read(CONTEXT_KEYS.architecture), (v) =>
        oneOf(CONTEXT_KEYS.architecture, v, ['arm64', 'x86_64']) === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64,
      ),
      memorySize: optional(read(CONTEXT_KEYS.memorySize), (v) => integer(CONTEXT_KEYS.memorySize, v, 128, 10240)),
      ruleNamePrefix: optional(node.tryGetContext(CONTEXT_KEYS.ruleNamePrefix), (v) => text(CONTEXT_KEYS.ruleNamePrefix, v, true)),
      controlIdsInName: optional(read(CONTEXT_KEYS.controlIdsInName), (v) => flag(CONTEXT_KEYS.controlIdsInName, v)),
      remediation: remediationFromContext(node),
    },
  };
}

function optional<T>(value: unknown, parse: (v: unknown) => T): T | undefined {
  return value === undefined ? undefined : parse(value);
}

function fail(key: string, message: string): never {
  throw new Error(`Context "${key}": ${message}`);
}

function text(key: string, value: unknown, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.trim() === '')) fail(key, 'expected a string');
  return value;
}

function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(key, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function integer(key: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    fail(key, `expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function ruleIds(value: unknown): RuleId[] {
  const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(items)) fail(CONTEXT_KEYS.rules, 'expected a list of rule ids or a comma-separated string');
  return items.map((id) => oneOf(CONTEXT_KEYS.rules, id, RULE_IDS));
}

function jsonObject(key: string, value: unknown): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      fail(key, 'is not valid JSON');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(key, 'expected a JSON object keyed by rule id');
  return parsed as Record<string, unknown>;
}

function retention(value: unknown): RetentionDays {
  const days = integer(CONTEXT_KEYS.logRetentionDays, value, 1, RetentionDays.INFINITE);
  const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) fail(CONTEXT_KEYS.logRetentionDays, `CloudWatch Logs accepts ${allowed.join(', ')} days`);
  return days as RetentionDays;
}

function runtime(value: unknown): Runtime {
  const name = text(CONTEXT_KEYS.runtime, value);
  // Runtime.ALL also lists NODEJS_LATEST (a moving alias sharing its name): pin the real runtime.
  const found = Runtime.ALL.find((r) => r.name === name && !r.isVariable);
  if (!found) fail(CONTEXT_KEYS.runtime, `unknown Lambda runtime "${name}" (e.g. nodejs22.x)`);
  return found;
}

/** `true`/`false` from cdk.json, or the strings from `-c key=value`. */
function flag(key: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(key, `expected true or false, got ${JSON.stringify(value)}`);
}
