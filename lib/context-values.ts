import type { Node } from 'constructs';
import { integerFrom } from '../lambda/kit/integer';
import { ContextError } from './context-error';

/**
 * Readers of CDK context values, shared by every `*FromContext` function. Values given on the
 * command line (`-c key=value`) arrive as strings, values from cdk.json as JSON, so every reader
 * accepts both. Errors read `Context "<key>": <message>`.
 */

export function fail(key: string, message: string): never {
  throw new ContextError(key, message);
}

/** The context value, with `''` and `null` read as absent (undefined). */
export function readContext(node: Node, key: string): unknown {
  const value = node.tryGetContext(key);
  return value === '' || value === null ? undefined : value;
}

/** `parse(key, value)` of the context value, or undefined when the key is absent (see readContext). */
export function optionalContext<T>(node: Node, key: string, parse: (key: string, value: unknown) => T): T | undefined {
  const value = readContext(node, key);
  return value === undefined ? undefined : parse(key, value);
}

/** A string; blank only with `allowEmpty`. Returned as given (not trimmed). */
export function text(key: string, value: unknown, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.trim() === '')) fail(key, 'expected a string');
  return value;
}

export function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(key, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

export interface IntegerOptions {
  /** Inclusive bounds; both or neither. */
  readonly min?: number;
  readonly max?: number;
  /** Accept a leading minus sign in a string value. @default false */
  readonly signed?: boolean;
}

/** An integer, from a JSON number or a string of digits. */
export function integer(key: string, value: unknown, options: IntegerOptions = {}): number {
  const n = integerFrom(value, { signed: options.signed ?? false });
  const { min, max } = options;
  if (min !== undefined && max !== undefined) {
    if (n === undefined || n < min || n > max) {
      fail(key, `expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
  } else if (n === undefined) {
    fail(key, `expected an integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A list of strings from JSON (cdk.json) or a comma-separated string (`-c key=a,b`); empty items dropped. */
export function list(key: string, value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : value;
  if (!Array.isArray(items) || !items.every((i) => typeof i === 'string')) fail(key, 'expected a list of strings or a comma-separated string');
  return items as string[];
}

/**
 * A JSON object, given as one (cdk.json) or as a JSON string (`-c`). `notObject` is the message for
 * a value that is not an object; `notJson` for a string that does not parse.
 */
export function jsonObject(key: string, value: unknown, notObject: string, notJson = 'is not valid JSON'): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      fail(key, notJson);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(key, notObject);
  return parsed as Record<string, unknown>;
}

/** `true`/`false` from cdk.json, or the strings from `-c key=value`. */
export function flag(key: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(key, `expected true or false, got ${JSON.stringify(value)}`);
}

/** The value, or a one-line error naming the key when `problem` (a lib/naming.ts check) finds something wrong with it. */
export function named<T>(key: string, value: T, problem: (v: T) => string | undefined): T {
  const wrong = problem(value);
  if (wrong) fail(key, wrong);
  return value;
}
