import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** The subset of an SSM Automation document (schema 0.3) the runner understands, as plain data. */

export type ParameterType = 'String' | 'StringList' | 'Integer' | 'Boolean' | 'MapList' | 'StringMap';

export interface ParameterSpec {
  readonly type: ParameterType;
  readonly description?: string;
  readonly default?: unknown;
  readonly allowedPattern?: string;
  readonly allowedValues?: readonly unknown[];
}

export interface OutputSpec {
  readonly Name: string;
  readonly Selector: string;
  readonly Type?: ParameterType;
}

export interface Step {
  readonly name: string;
  readonly action: string;
  readonly description?: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs?: readonly OutputSpec[];
  readonly nextStep?: string;
  readonly isEnd?: boolean | string;
  readonly onFailure?: string;
  readonly maxAttempts?: number;
  readonly timeoutSeconds?: number | string;
  readonly isCritical?: boolean | string;
}

export interface AutomationDocument {
  readonly schemaVersion: string;
  readonly description?: string;
  readonly assumeRole?: string;
  readonly parameters?: Readonly<Record<string, ParameterSpec>>;
  readonly mainSteps: readonly Step[];
  readonly outputs?: readonly string[];
}

/** The repository root (this file is cli/local/automation/document.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const DOCUMENTS_DIR = path.join(REPO_ROOT, 'remediations');

/** Every document id (file name without .yaml) under remediations/. */
export function documentIds(dir = DOCUMENTS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

export function documentPath(id: string, dir = DOCUMENTS_DIR): string {
  return path.join(dir, `${id}.yaml`);
}

/** Parses remediations/<id>.yaml (YAML 1.2, as SSM reads it). */
export function loadDocument(id: string, dir = DOCUMENTS_DIR): AutomationDocument {
  return parse(readFileSync(documentPath(id, dir), 'utf8')) as AutomationDocument;
}
