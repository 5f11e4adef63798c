import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { mapLimit } from '../../lambda/kit/concurrency';
import { RULE_IDS, type RuleId } from '../../lambda/rules/catalog';
import { HELPER_ENTRIES } from '../remediation';
import { AwsCliPackageStore, type PackageStore } from './aws-cli-s3';
import { helperVersionColumn, ruleVersionColumn, type CodeVersions } from './code-versions';
import {
  assetBucketName,
  BUCKET_DIR,
  checkPackageTargets,
  readManifest,
  sha256,
  synthMemberTemplate,
  TEMPLATE_FILE,
  templateKey,
  writeManifest,
  type StackSetManifest,
} from './package';

export interface PublishOptions {
  /** What `packageStackSet` wrote (bucket/ and manifest.json). */
  readonly dir: string;
  /** The buckets are `<bucketPrefix>-<region>`. */
  readonly bucketPrefix: string;
  /** Every region a stack instance (or the management account's own stack) runs in, and the StackSet's region. */
  readonly regions: readonly string[];
  /** CDK context for the member template's fixed settings and parameter defaults (as packageStackSet once took it). */
  readonly context: Readonly<Record<string, unknown>>;
  /** @default - the AWS CLI with this process's environment */
  readonly store?: PackageStore;
  /** Called once per object, for progress output. */
  readonly onObject?: (event: PublishedObject) => void;
}

/** What publishing did with one object in one region. */
export interface PublishedObject {
  readonly region: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  /** `uploaded`: new; `kept`: the same bytes were already the current version. */
  readonly action: 'uploaded' | 'kept';
}

/** Objects written concurrently: the CLI starts a process per call. */
const CONCURRENCY = 4;

/**
 * Publishes a package (`npm run package:stackset -- --publish`): uploads every zip to the versioned
 * bucket of every region, records the S3 version id each one has there, synthesizes the member
 * template naming those versions (`CodeVersions` mapping, `S3ObjectVersion` on every function),
 * uploads the template the same way, and writes it and the versions into the package directory.
 *
 * Idempotent and never overwriting: an object already at its key with the same bytes keeps its
 * version; one with different bytes stops publishing, and no template is written (keys are content
 * hashes, so different bytes mean the bucket or the build is not what it should be).
 */
export async function publishStackSet(options: PublishOptions): Promise<StackSetManifest> {
  if (options.regions.length === 0) throw new Error('publish: give at least one region');
  checkPackageTargets(options.bucketPrefix, options.regions, { prefix: 'bucket prefix', regions: 'regions' });
  const store = options.store ?? new AwsCliPackageStore();
  const manifest = readManifest(options.dir);
  const zips: Array<{ column: string; key: string }> = [
    ...RULE_IDS.map((r) => ({ column: ruleVersionColumn(r), key: manifest.functions[r].key })),
    ...HELPER_ENTRIES.map((e) => ({ column: helperVersionColumn(e), key: manifest.helpers[e].key })),
  ];
  const bodies = new Map(zips.map((z) => [z.key, readFileSync(path.join(options.dir, BUCKET_DIR, z.key))]));
  checkZipHashes(manifest, bodies);

  // Versioning first, in every region: a missing or unversioned bucket fails before any upload.
  await mapLimit(options.regions, CONCURRENCY, async (region) => {
    const bucket = assetBucketName(options.bucketPrefix, region);
    const status = await store.versioning(bucket, region);
    if (status !== 'Enabled') {
      throw new Error(
        `s3://${bucket} (${region}) has versioning ${status ?? 'never enabled'}: functions are pinned to S3 object versions, so the package bucket must be versioned. Deploy it with \`npx cdk deploy -c imdsv2-guard:management=true 'Imdsv2GuardAssets-*'\`.`,
      );
    }
  });

  const put = async (region: string, key: string, body: Buffer): Promise<string> => {
    const bucket = assetBucketName(options.bucketPrefix, region);
    const event = await ensureObject(store, bucket, region, key, body);
    options.onObject?.(event);
    return event.versionId;
  };
  const versions: Record<string, Record<string, string>> = Object.fromEntries(options.regions.map((r) => [r, {}]));
  const jobs = options.regions.flatMap((region) => zips.map((z) => ({ region, ...z })));
  let failed = false;
  await mapLimit(jobs, CONCURRENCY, async (j) => {
    if (failed) return; // the first refusal stops the uploads not yet started
    try {
      versions[j.region][j.column] = await put(j.region, j.key, bodies.get(j.key)!);
    } catch (e) {
      failed = true;
      throw e;
    }
  });
  // Stable order, so the same versions give the same template bytes and key.
  const codeVersions: CodeVersions = Object.fromEntries(
    [...options.regions].sort().map((r) => [r, Object.fromEntries(zips.map((z) => [z.column, versions[r][z.column]]))]),
  );

  const functionKeys = Object.fromEntries(RULE_IDS.map((r) => [r, manifest.functions[r].key])) as Record<RuleId, string>;
  const helperKeys = Object.fromEntries(HELPER_ENTRIES.map((e) => [e, manifest.helpers[e].key]));
  const template = synthMemberTemplate(functionKeys, options.context, manifest.version, helperKeys, codeVersions);
  const templateSha256 = sha256(template);
  const key = templateKey(manifest.version, templateSha256);
  await mapLimit(options.regions, CONCURRENCY, (region) => put(region, key, template));

  writeFileSync(path.join(options.dir, TEMPLATE_FILE), template);
  const published: StackSetManifest = {
    ...manifest,
    template: { file: TEMPLATE_FILE, key, sha256: templateSha256, bytes: template.length },
    codeVersions,
  };
  writeManifest(options.dir, published);
  return published;
}

/** A zip changed since packaging would be published under the key of other bytes. */
function checkZipHashes(manifest: StackSetManifest, bodies: ReadonlyMap<string, Buffer>): void {
  for (const f of [...Object.values(manifest.functions), ...Object.values(manifest.helpers)]) {
    if (sha256(bodies.get(f.key)!) !== f.zipSha256) throw new Error(`${BUCKET_DIR}/${f.key} changed since it was packaged: run \`npm run package:stackset\` again`);
  }
}

/**
 * The version of `key` holding exactly `body`: the current one when its bytes are equal (compared
 * in full, not by ETag, which is no MD5 under SSE-KMS), else a new upload when the key is free.
 */
async function ensureObject(store: PackageStore, bucket: string, region: string, key: string, body: Buffer): Promise<PublishedObject> {
  const current = await store.get(bucket, region, key);
  if (current) {
    if (!current.body.equals(body)) {
      throw new Error(
        `s3://${bucket}/${key} (${region}) already holds different bytes (sha256 ${sha256(current.body)}, this package's ${sha256(body)}). ` +
          'Published packages are never overwritten: the key is the content hash of the bundle, so either the object was replaced by someone else (check CloudTrail and the bucket policy) or this build is not reproducible. Publishing stopped; no template was written.',
      );
    }
    if (!current.versionId) throw new Error(`s3://${bucket}/${key} (${region}) has no version id: the bucket must be versioned`);
    return { region, bucket, key, versionId: current.versionId, action: 'kept' };
  }
  const { versionId } = await store.put(bucket, region, key, body);
  if (!versionId) throw new Error(`s3://${bucket}/${key} (${region}): the upload returned no version id: the bucket must be versioned`);
  return { region, bucket, key, versionId, action: 'uploaded' };
}
