import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RULE_IDS, type RuleId } from '../../lambda/rules/catalog';
import { PROJECT_ROOT } from '../bundling';
import { configFromContext, CONTEXT_KEYS, longestRuleName } from '../context';
import { checkContextKeys } from '../context-keys';
import { fail } from '../context-values';
import { assetBucketPrefixProblem, regionProblem, ruleNamePrefixProblem } from '../naming';
import { HELPER_ENTRIES, type Imdsv2RemediationsSettings } from '../remediation';
import { Imdsv2GuardMemberStack, type MemberRemediationMode, type MemberRemediationOptions } from './imdsv2-guard-member-stack';
import type { CodeVersions } from './code-versions';
import { zip } from './zip';

/**
 * The packaging step of the organization-wide deployment (`npm run package:stackset`): the rule
 * bundles `npm run build` wrote to dist/lambda/<id>/index.js and the remediation helper bundles it
 * wrote to dist/lambda/remediation/<entry>/index.js, zipped, under one directory (default
 * dist/stackset):
 *
 * - `bucket/`: the zips at their keys, as the publish step uploads them to every `<prefix>-<region>`;
 * - `manifest.json`: rule id → key, sha256 of index.js and of the zip; the same per helper entry.
 *
 * The member template needs the S3 version id each upload gets, so it is written by the publish step
 * (publish.ts), which adds `imdsv2-guard-member.template.json`, the template's key and the versions
 * to the manifest.
 *
 * Keys are content-addressed (`imdsv2-guard/<version>/<id>-<sha256(index.js):12>.zip`, helpers
 * `imdsv2-guard/<version>/remediation/<entry>-<sha256(index.js):12>.zip`), so a
 * changed bundle gets a new key, the template changes with it and a StackSet update rolls the
 * functions; an unchanged bundle keeps its key and nothing is redeployed.
 */

export const TEMPLATE_FILE = 'imdsv2-guard-member.template.json';
export const MANIFEST_FILE = 'manifest.json';
/** The directory mirroring the bucket contents: upload it to each `<prefix>-<region>` as is. */
export const BUCKET_DIR = 'bucket';
/** Every object key starts with this, and the bucket policy grants reads below it only. */
export const KEY_ROOT = 'imdsv2-guard';

export interface PackagedFunction {
  /** Object key in every regional bucket. */
  readonly key: string;
  /** The bundle's sha256: equal to that of dist/lambda/<id>/index.js (dist/lambda/remediation/<entry>/index.js), which the tests run. */
  readonly indexSha256: string;
  readonly zipSha256: string;
  readonly zipBytes: number;
}

export interface PackagedTemplate {
  /** The template, relative to the package directory. */
  readonly file: string;
  /** Object key in every regional bucket: the StackSet's TemplateURL points at it. */
  readonly key: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface StackSetManifest {
  /** The imdsv2-guard version (package.json): the second part of every key. */
  readonly version: string;
  /** Written by the publish step: the member template, which names the versions below. */
  readonly template?: PackagedTemplate;
  /** Written by the publish step: region → mapping column → S3 version id of each zip. */
  readonly codeVersions?: CodeVersions;
  readonly functions: Readonly<Record<RuleId, PackagedFunction>>;
  /** The remediation helper functions, by entry (the folder under lambda/remediation/). */
  readonly helpers: Readonly<Record<string, PackagedFunction>>;
}

export interface PackageOptions {
  /** @default <repository>/dist/stackset */
  readonly outDir?: string;
  /** Where `npm run build` wrote the bundles (rules at <id>/index.js, helpers at remediation/<entry>/index.js). @default <repository>/dist/lambda */
  readonly lambdaDir?: string;
  /** @default - package.json's version */
  readonly version?: string;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function functionKey(version: string, ruleId: string, indexSha256: string): string {
  return `${KEY_ROOT}/${version}/${ruleId}-${indexSha256.slice(0, 12)}.zip`;
}

/** A remediation helper's key: `imdsv2-guard/<version>/remediation/<entry>-<sha256(index.js):12>.zip`. */
export function helperKey(version: string, entry: string, indexSha256: string): string {
  return functionKey(version, `remediation/${entry}`, indexSha256);
}

export function templateKey(version: string, templateSha256: string): string {
  return `${KEY_ROOT}/${version}/imdsv2-guard-member-${templateSha256.slice(0, 12)}.template.json`;
}

/** The CDK context of cdk.json, which `cdk synth` starts from. */
export function cdkJsonContext(root = PROJECT_ROOT): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')).context ?? {};
}

/** Packages the function zips; returns the manifest it wrote (no template yet: see publish.ts). */
export function packageStackSet(options: PackageOptions = {}): StackSetManifest {
  const outDir = path.resolve(options.outDir ?? path.join(PROJECT_ROOT, 'dist', 'stackset'));
  const lambdaDir = path.resolve(options.lambdaDir ?? path.join(PROJECT_ROOT, 'dist', 'lambda'));
  const version = options.version ?? JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).version;
  if (typeof version !== 'string' || !/^[0-9A-Za-z][0-9A-Za-z.+-]*$/.test(version)) throw new Error(`version "${String(version)}" cannot be part of an S3 key`);

  // Only what this step writes is removed: never the directory itself, which the caller chose.
  for (const entry of [BUCKET_DIR, TEMPLATE_FILE, MANIFEST_FILE]) rmSync(path.join(outDir, entry), { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const packageBundle = (bundle: string, key: (indexSha256: string) => string): PackagedFunction => {
    if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run \`npm run build\` first (it writes dist/lambda/<id>/index.js and dist/lambda/remediation/<entry>/index.js)`);
    const index = readFileSync(bundle);
    const indexSha256 = sha256(index);
    const archive = zip([{ name: 'index.js', data: index }]);
    const k = key(indexSha256);
    write(path.join(outDir, BUCKET_DIR, k), archive);
    return { key: k, indexSha256, zipSha256: sha256(archive), zipBytes: archive.length };
  };
  const functions: Partial<Record<RuleId, PackagedFunction>> = {};
  for (const ruleId of RULE_IDS) functions[ruleId] = packageBundle(path.join(lambdaDir, ruleId, 'index.js'), (h) => functionKey(version, ruleId, h));
  const helpers: Record<string, PackagedFunction> = {};
  for (const entry of HELPER_ENTRIES) helpers[entry] = packageBundle(path.join(lambdaDir, 'remediation', entry, 'index.js'), (h) => helperKey(version, entry, h));
  const manifest: StackSetManifest = { version, functions: functions as Record<RuleId, PackagedFunction>, helpers };
  writeManifest(outDir, manifest);
  return manifest;
}

/** Writes manifest.json (packaging, then publishing, which adds the template and the versions). */
export function writeManifest(dir: string, manifest: StackSetManifest): void {
  write(path.join(dir, MANIFEST_FILE), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
}

/**
 * Synthesizes the member template in an app of its own, with the cdk-nag AWS Solutions pack as
 * `cdk synth` has it: an unacknowledged finding fails publishing. Returns the template as compact
 * JSON, about 30% smaller than CDK's indented output. With the remediation resources (the SSM
 * documents are inline content) it is over the 51,200 bytes CloudFormation accepts inline, so a
 * plain `aws cloudformation deploy` of it needs `--s3-bucket`; the StackSet reads it by TemplateURL.
 */
export function synthMemberTemplate(
  functionKeys: Record<RuleId, string>,
  context: Readonly<Record<string, unknown>>,
  version: string,
  helperKeys: Readonly<Record<string, string>>,
  codeVersions: CodeVersions,
): Buffer {
  const outdir = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-member-'));
  try {
    const app = new App({ outdir, context: { ...context } });
    // A mistyped imdsv2-guard:* key fails here as it does in `cdk synth`, naming the closest key.
    checkContextKeys(app.node);
    const { props } = configFromContext(app.node);
    // The member template always names rules with their control ids: the prefix must leave room for them.
    const prefixProblem = ruleNamePrefixProblem(props.ruleNamePrefix ?? '', longestRuleName(true));
    if (prefixProblem) fail(CONTEXT_KEYS.ruleNamePrefix, `${prefixProblem} (the StackSet member template adds the control ids)`);
    const remediation = memberRemediation(props.remediation);
    const stack = new Imdsv2GuardMemberStack(app, 'Imdsv2GuardMember', {
      functionKeys,
      helperKeys,
      codeVersions,
      description: `imdsv2-guard ${version} StackSet member: AWS Config custom rules that enforce EC2 IMDSv2`,
      ruleOptions: {
        runtime: props.runtime,
        architecture: props.architecture,
        memorySize: props.memorySize,
        logRetention: props.logRetention,
        logLevel: props.logLevel,
        ruleNamePrefix: props.ruleNamePrefix,
        controlIdsInName: true,
      },
      defaultRules: props.rules,
      defaultFrequency: props.maximumExecutionFrequency,
      defaultParameters: props.parameters,
      defaultRemediationMode: remediation.mode,
      remediationOptions: remediation.options,
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    return Buffer.from(JSON.stringify(assembly.getStackArtifact(stack.artifactId).template));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const MEMBER_MODES = { manual: 'Manual', automatic: 'Automatic' } as const;

/**
 * The `imdsv2-guard:remediation*` context as the member template takes it: the mode becomes the
 * RemediationMode default, the rest fixed settings. What the template cannot express (documents
 * only, a mode per rule) is refused rather than dropped: a packaged template must do what the
 * context asked for.
 */
function memberRemediation(settings: Imdsv2RemediationsSettings | undefined): { mode: MemberRemediationMode; options?: MemberRemediationOptions } {
  if (!settings) return { mode: 'None' };
  const mode = settings.mode ?? 'manual';
  if (mode === 'documents-only') {
    throw new Error(
      'Context "imdsv2-guard:remediation" = documents-only: the StackSet member template has no such mode (its RemediationMode parameter is None, Manual or Automatic). Package with none, manual or automatic.',
    );
  }
  const parameters: Record<string, Readonly<Record<string, string | number | boolean>>> = {};
  for (const [ruleId, o] of Object.entries(settings.overrides ?? {})) {
    if (o?.mode !== undefined) {
      throw new Error(
        `Context "imdsv2-guard:remediationOverrides": ${ruleId} sets mode ${o.mode}, but the StackSet member template has one RemediationMode for every rule. Leave the mode out of the overrides to package it.`,
      );
    }
    if (o?.parameters) parameters[ruleId] = o.parameters;
  }
  return {
    mode: MEMBER_MODES[mode],
    options: { maximumAutomaticAttempts: settings.maximumAutomaticAttempts, retryAttemptSeconds: settings.retryAttemptSeconds, parameters },
  };
}

/** Reads what `packageStackSet` wrote (zips and manifest), before publishing. */
export function readManifest(dir: string): StackSetManifest {
  const manifestFile = path.join(dir, MANIFEST_FILE);
  if (!existsSync(manifestFile)) throw new Error(`${manifestFile} does not exist: run \`npm run package:stackset\` first`);
  return JSON.parse(readFileSync(manifestFile, 'utf8')) as StackSetManifest;
}

/** Reads what the publish step wrote, checking the template still matches its hash. */
export function readPackage(dir: string): { manifest: StackSetManifest & { template: PackagedTemplate }; template: Record<string, any> } {
  const manifest = readManifest(dir);
  if (!manifest.template) {
    throw new Error(`${path.join(dir, MANIFEST_FILE)} has no member template yet: publish the package first (\`npm run package:stackset -- --publish --regions … --bucket-prefix …\`)`);
  }
  const body = readFileSync(path.join(dir, manifest.template.file));
  if (sha256(body) !== manifest.template.sha256) {
    throw new Error(`${path.join(dir, manifest.template.file)} changed since it was packaged: run \`npm run package:stackset\` again`);
  }
  return { manifest: manifest as StackSetManifest & { template: PackagedTemplate }, template: JSON.parse(body.toString('utf8')) };
}

/**
 * Checks what packaging prints commands for, before anything is written: every region name, and
 * `<prefix>-<region>` as a bucket name in each. `keys` name where each value came from (a flag or a
 * context key), for the one-line error.
 */
export function checkPackageTargets(prefix: string | undefined, regions: readonly string[] | undefined, keys: { readonly prefix: string; readonly regions: string }): void {
  for (const r of regions ?? []) {
    const problem = regionProblem(r);
    if (problem) throw new Error(`${keys.regions}: ${problem}`);
  }
  if (prefix === undefined) return;
  const problem = assetBucketPrefixProblem(prefix, regions ?? []);
  if (problem) throw new Error(`${keys.prefix}: ${problem}`);
}

/** The bucket a region's stacks read: `<prefix>-<region>`. */
export function assetBucketName(prefix: string, region: string): string {
  return `${prefix}-${region}`;
}

/** The most bytes CloudFormation accepts as an inline TemplateBody (`--template-file` without `--s3-bucket`). */
export const INLINE_TEMPLATE_LIMIT = 51_200;

/**
 * One `aws cloudformation deploy` per region of the member template as a plain stack (the
 * management account, which a service-managed StackSet never targets). A template over the inline
 * limit is uploaded by the CLI to that region's package bucket, below `imdsv2-guard/cloudformation/`.
 */
export function deployCommands(dir: string, prefix: string, regions: readonly string[], templateBytes: number, capabilities: readonly string[] = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']): string[] {
  const template = shellQuote(path.join(dir, TEMPLATE_FILE));
  return regions.map((region) => {
    const upload = templateBytes > INLINE_TEMPLATE_LIMIT ? ` --s3-bucket ${assetBucketName(prefix, region)} --s3-prefix ${KEY_ROOT}/cloudformation` : '';
    return `aws cloudformation deploy --stack-name imdsv2-guard --template-file ${template}${upload} --capabilities ${capabilities.join(' ')} --parameter-overrides AssetBucketPrefix=${prefix} --region ${region}`;
  });
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function write(file: string, data: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
}
