import * as path from 'node:path';
import { Annotations, type App } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { fail, flag, integer, jsonObject, list, named, oneOf, optionalContext, text } from '../context-values';
import { PROJECT_ROOT } from '../bundling';
import { assetBucketPrefixProblem, regionProblem, stackSetNameProblem } from '../naming';
import { ORGANIZATION_ID_PATTERN } from './asset-bucket-stack';
import { OU_ID_PATTERN } from './management-stack';
import { Imdsv2GuardAssetBucketStack } from './asset-bucket-stack';
import { Imdsv2GuardStackSetStack, type Imdsv2GuardStackSetStackProps } from './management-stack';
import { MemberTemplate } from './member-template';

/**
 * CDK context of the organization-wide deployment (`-c key=value` or cdk.json). The management
 * stacks exist only with `imdsv2-guard:management=true`, so a plain `cdk synth` stays the
 * single-account stack.
 */
export const MANAGEMENT_CONTEXT_KEYS = {
  enabled: 'imdsv2-guard:management',
  organizationId: 'imdsv2-guard:management:organizationId',
  organizationalUnitIds: 'imdsv2-guard:management:organizationalUnitIds',
  regions: 'imdsv2-guard:management:regions',
  assetBucketPrefix: 'imdsv2-guard:management:assetBucketPrefix',
  /** The StackSet's own region. @default CDK_DEFAULT_REGION (the CLI's region) */
  region: 'imdsv2-guard:management:region',
  stackSetName: 'imdsv2-guard:management:stackSetName',
  callAs: 'imdsv2-guard:management:callAs',
  failureTolerancePercentage: 'imdsv2-guard:management:failureTolerancePercentage',
  maxConcurrentPercentage: 'imdsv2-guard:management:maxConcurrentPercentage',
  concurrencyMode: 'imdsv2-guard:management:concurrencyMode',
  regionConcurrency: 'imdsv2-guard:management:regionConcurrency',
  retainStacksOnAccountRemoval: 'imdsv2-guard:management:retainStacksOnAccountRemoval',
  /** Member template parameter values, a JSON object. */
  parameters: 'imdsv2-guard:management:parameters',
  /** Where `npm run package:stackset` wrote. @default dist/stackset */
  packageDir: 'imdsv2-guard:management:packageDir',
} as const;

export const STACKSET_STACK_NAME = 'Imdsv2GuardStackSet';
export const ASSET_BUCKET_STACK_PREFIX = 'Imdsv2GuardAssets-';

/** The management stack's settings as read from context, plus what only the app needs. */
export interface ManagementConfig
  extends Pick<
    Imdsv2GuardStackSetStackProps,
    | 'region'
    | 'organizationalUnitIds'
    | 'regions'
    | 'assetBucketPrefix'
    | 'parameters'
    | 'stackSetName'
    | 'callAs'
    | 'failureTolerancePercentage'
    | 'maxConcurrentPercentage'
    | 'concurrencyMode'
    | 'regionConcurrency'
    | 'retainStacksOnAccountRemoval'
  > {
  readonly enabled: boolean;
  readonly organizationId: string;
  readonly packageDir: string;
}

/** A non-blank string, trimmed. */
function trimmed(key: string, value: unknown): string {
  return text(key, value).trim();
}

function stringMap(key: string, value: unknown): Record<string, string> {
  const parsed = jsonObject(key, value, 'expected a JSON object of template parameter values');
  // CloudFormation parameter values are strings; numbers and booleans from cdk.json are converted.
  return Object.fromEntries(
    Object.entries(parsed).map(([k, v]) => {
      if (!['string', 'number', 'boolean'].includes(typeof v)) fail(key, `${k}: expected a string, number or boolean`);
      return [k, String(v)];
    }),
  );
}

function eachNamed(key: string, values: string[], problem: (v: string) => string | undefined): string[] {
  for (const v of values) named(key, v, problem);
  return values;
}

/** Reads the management settings; the required ones only when `imdsv2-guard:management` is true. */
export function managementConfigFromContext(node: Node, env: NodeJS.ProcessEnv = process.env): ManagementConfig | undefined {
  const K = MANAGEMENT_CONTEXT_KEYS;
  const opt = <T>(key: string, parse: (k: string, v: unknown) => T): T | undefined => optionalContext(node, key, parse);
  const req = <T>(key: string, parse: (k: string, v: unknown) => T, hint: string): T => opt(key, parse) ?? fail(key, `required with ${K.enabled}=true (${hint})`);
  if (!(opt(K.enabled, flag) ?? false)) return undefined;
  const region = opt(K.region, (k, v) => named(k, trimmed(k, v), regionProblem)) ?? env.CDK_DEFAULT_REGION;
  const regions = req(K.regions, (k, v) => eachNamed(k, list(k, v), regionProblem), 'e.g. us-east-1,eu-west-1');
  const bucketRegions = [...new Set([...(region ? [region] : []), ...regions])];
  return {
    enabled: true,
    organizationId: req(K.organizationId, (k, v) => named(k, trimmed(k, v), (id) => (new RegExp(ORGANIZATION_ID_PATTERN).test(id) ? undefined : `"${id}" is not an AWS Organizations id (e.g. o-a1b2c3d4e5)`)), 'e.g. o-a1b2c3d4e5'),
    organizationalUnitIds: req(
      K.organizationalUnitIds,
      (k, v) => eachNamed(k, list(k, v), (id) => (OU_ID_PATTERN.test(id) ? undefined : `"${id}" is not an OU id (ou-xxxx-xxxxxxxx) nor a root id (r-xxxx)`)),
      'e.g. ou-ab12-cdefgh34,ou-ab12-ijklmn56 or the root r-ab12',
    ),
    regions,
    assetBucketPrefix: req(K.assetBucketPrefix, (k, v) => named(k, trimmed(k, v), (p) => assetBucketPrefixProblem(p, bucketRegions)), 'e.g. acme-imdsv2-guard'),
    region: region ?? fail(K.region, 'required: the StackSet region (or run with a default region configured)'),
    stackSetName: opt(K.stackSetName, (k, v) => named(k, trimmed(k, v), stackSetNameProblem)),
    callAs: opt(K.callAs, (k, v) => oneOf(k, v, ['SELF', 'DELEGATED_ADMIN'] as const)),
    failureTolerancePercentage: opt(K.failureTolerancePercentage, integer),
    maxConcurrentPercentage: opt(K.maxConcurrentPercentage, integer),
    concurrencyMode: opt(K.concurrencyMode, (k, v) => oneOf(k, v, ['SOFT_FAILURE_TOLERANCE', 'STRICT_FAILURE_TOLERANCE'] as const)),
    regionConcurrency: opt(K.regionConcurrency, (k, v) => oneOf(k, v, ['PARALLEL', 'SEQUENTIAL'] as const)),
    retainStacksOnAccountRemoval: opt(K.retainStacksOnAccountRemoval, flag),
    parameters: opt(K.parameters, stringMap),
    packageDir: path.resolve(PROJECT_ROOT, opt(K.packageDir, trimmed) ?? path.join('dist', 'stackset')),
  };
}

export interface ManagementStacks {
  /** One package bucket stack per region: the target regions and the StackSet's own. */
  readonly buckets: Readonly<Record<string, Imdsv2GuardAssetBucketStack>>;
  /** Absent until the package is published: the buckets must exist before it can be. */
  readonly stackSet?: Imdsv2GuardStackSetStack;
}

/**
 * Adds the management stacks when `imdsv2-guard:management` is true; otherwise does nothing. Call
 * it after `configureApp(app)`, whose cdk-nag plugin then checks these stacks too.
 *
 * - `Imdsv2GuardAssets-<region>`: the package bucket of each region (one stack per region, because
 *   a CDK stack is single-region and Lambda reads code only from its own region);
 * - `Imdsv2GuardStackSet`: the StackSet, reading the published template from dist/stackset. Until
 *   the package is published (which needs the buckets) only the bucket stacks are added, with a
 *   warning.
 */
export function addManagementFromContext(app: App, template?: MemberTemplate): ManagementStacks | undefined {
  const config = managementConfigFromContext(app.node);
  if (!config) return undefined;
  const member = template ?? MemberTemplate.fromPackageIfPublished(config.packageDir);
  const buckets: Record<string, Imdsv2GuardAssetBucketStack> = {};
  for (const region of [...new Set([config.region, ...config.regions])]) {
    buckets[region] = new Imdsv2GuardAssetBucketStack(app, `${ASSET_BUCKET_STACK_PREFIX}${region}`, {
      assetBucketPrefix: config.assetBucketPrefix,
      organizationId: config.organizationId,
      region,
    });
  }
  if (!member) {
    // On the StackSet region's bucket stack: app-level annotations reach no stack artifact.
    Annotations.of(buckets[config.region]).addWarningV2(
      'imdsv2-guard:unpublished',
      `${config.packageDir} is packaged but not published: only the package buckets are in the app. Deploy them, then publish (npm run package:stackset -- --publish), and ${STACKSET_STACK_NAME} is added.`,
    );
    return { buckets };
  }
  const { enabled: _enabled, organizationId: _organizationId, packageDir: _packageDir, ...stackSetProps } = config;
  const stackSet = new Imdsv2GuardStackSetStack(app, STACKSET_STACK_NAME, { ...stackSetProps, template: member });
  // Ordering only: `cdk deploy Imdsv2GuardStackSet` creates missing buckets first (the template it
  // reads was published to them, so they exist by then).
  for (const bucket of Object.values(buckets)) stackSet.addStackDependency(bucket);
  return { buckets, stackSet };
}
