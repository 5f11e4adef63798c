import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Token } from 'aws-cdk-lib';
import { parse } from 'yaml';
import { integerFrom } from '../../lambda/kit/integer';

/** The parts of an SSM Automation document the constructs read or change. */
export interface DocumentParameter {
  readonly type: string;
  readonly default?: unknown;
  readonly allowedPattern?: string;
  readonly allowedValues?: readonly unknown[];
  readonly description?: string;
}

export interface DocumentContent {
  readonly schemaVersion: string;
  readonly description?: string;
  readonly parameters: Readonly<Record<string, DocumentParameter>>;
  readonly [key: string]: unknown;
}

/** The value a static remediation parameter may be given in CDK (AWS Config passes it as a string). */
export type StaticParameterValue = string | number | boolean;

/** remediations/<id>.yaml, parsed. */
export function readDocument(projectRoot: string, id: string): DocumentContent {
  const file = path.join(projectRoot, 'remediations', `${id}.yaml`);
  const doc = parse(readFileSync(file, 'utf8')) as DocumentContent;
  if (!doc || doc.schemaVersion !== '0.3' || typeof doc.parameters !== 'object') {
    throw new Error(`${file}: not an SSM Automation document (schemaVersion 0.3 with parameters)`);
  }
  return doc;
}

/** The document with some parameter defaults replaced (e.g. by the deployed role and function). */
export function withDefaults(doc: DocumentContent, defaults: Readonly<Record<string, unknown>>): DocumentContent {
  const parameters: Record<string, DocumentParameter> = { ...doc.parameters };
  for (const [name, value] of Object.entries(defaults)) {
    if (!parameters[name]) throw new Error(`Document has no parameter ${name}`);
    parameters[name] = { ...parameters[name], default: value };
  }
  return { ...doc, parameters };
}

/**
 * Checks a value given in CDK for a document parameter the way Automation will check it when the
 * remediation starts, so a typo fails synth instead of every remediation. Returns the string form
 * AWS Config passes (StaticValue values are strings).
 */
export function staticValue(doc: DocumentContent, id: string, name: string, value: StaticParameterValue): string {
  const spec = doc.parameters[name];
  if (!spec) throw new Error(`${id}: the document has no parameter ${name} (it has ${Object.keys(doc.parameters).join(', ')})`);
  const text = String(value);
  if (Token.isUnresolved(text)) return text;
  const fail = (why: string): never => {
    throw new Error(`${id}: parameter ${name}=${JSON.stringify(value)} ${why}`);
  };
  switch (spec.type) {
    case 'Integer':
      if (integerFrom(text, { trim: false }) === undefined) fail('is not an integer');
      break;
    case 'Boolean':
      if (!/^(true|false)$/i.test(text)) fail('is not true or false');
      break;
    case 'String':
      if (spec.allowedPattern !== undefined && !new RegExp(spec.allowedPattern).test(text)) fail(`does not match ${spec.allowedPattern}`);
      break;
    default:
      fail(`has type ${spec.type}, which a static remediation parameter cannot carry`);
  }
  if (spec.allowedValues !== undefined && !spec.allowedValues.some((a) => String(a).toLowerCase() === text.toLowerCase())) {
    fail(`is not one of ${spec.allowedValues.join(', ')}`);
  }
  return spec.type === 'Boolean' ? text.toLowerCase() : text;
}

/** The document parameter every hop-limit-setting document has (0 keeps, -1 clears where allowed, 1-64 sets). */
export const HOP_LIMIT_PARAMETER = 'HttpPutResponseHopLimit';

/**
 * The document capped at `max`: `HttpPutResponseHopLimit` allows no value above it (0 "keep" and -1
 * "no preference" stay), and every aws:branch choice that compares a hop limit with `NumericGreater: 64`
 * (the "current hop limit is above the cap" test of a keep-the-hop-limit branch) compares with `max`,
 * and a step input `HttpPutResponseHopLimit: 64` (the literal a lowering step sends) becomes `max`.
 */
export function capHopLimit(doc: DocumentContent, max: number): DocumentContent {
  const parameters: Record<string, DocumentParameter> = { ...doc.parameters };
  const hop = parameters[HOP_LIMIT_PARAMETER];
  if (hop?.allowedValues) parameters[HOP_LIMIT_PARAMETER] = { ...hop, allowedValues: hop.allowedValues.filter((v) => Number(v) <= max) };
  const cap = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(cap);
    if (node === null || typeof node !== 'object') return node;
    const o = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = cap(v);
    if (typeof o.Variable === 'string' && /HopLimit/.test(o.Variable) && o.NumericGreater === 64) out.NumericGreater = max;
    // The value a lowering step sends (`HttpPutResponseHopLimit: 64`, a literal, not a reference).
    if (o[HOP_LIMIT_PARAMETER] === 64) out[HOP_LIMIT_PARAMETER] = max;
    return out;
  };
  return { ...doc, parameters, mainSteps: cap(doc.mainSteps) };
}
