import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** An object version as S3 holds it. */
export interface StoredObject {
  /** Absent when the bucket is not versioned. */
  readonly versionId?: string;
  readonly body: Buffer;
}

/** The four S3 calls publishing needs, per bucket and region. */
export interface PackageStore {
  /** `GetBucketVersioning`'s Status (`Enabled`, `Suspended`), undefined when never enabled. */
  versioning(bucket: string, region: string): Promise<string | undefined>;
  /** The current version of `key` and its bytes, or undefined when there is no such key. */
  get(bucket: string, region: string, key: string): Promise<StoredObject | undefined>;
  /** Puts `body` at `key` (Content-MD5 checked by S3); returns the new version's id. */
  put(bucket: string, region: string, key: string, body: Buffer): Promise<{ readonly versionId?: string }>;
}

/**
 * The package buckets through the AWS CLI (`aws s3api`), which the runbook needs anyway: it reads
 * the same profiles, SSO sessions and `AWS_ENDPOINT_URL` as every other command the operator runs,
 * and adds no S3 client to this project's dependencies.
 */
export class AwsCliPackageStore implements PackageStore {
  /** @param env the CLI's environment @default process.env */
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  public async versioning(bucket: string, region: string): Promise<string | undefined> {
    const out = await this.s3api(['get-bucket-versioning', '--bucket', bucket, '--region', region]);
    return out.trim() === '' ? undefined : (JSON.parse(out).Status as string | undefined);
  }

  public async get(bucket: string, region: string, key: string): Promise<StoredObject | undefined> {
    const scratch = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-get-'));
    try {
      const file = path.join(scratch, 'object');
      let out: string;
      try {
        out = await this.s3api(['get-object', '--bucket', bucket, '--key', key, '--region', region, file]);
      } catch (e) {
        if (e instanceof AwsCliError && /\(NoSuchKey\)|\(404\)/.test(e.stderr)) return undefined;
        throw e;
      }
      const versionId = JSON.parse(out).VersionId as string | undefined;
      return { versionId: versionId === 'null' ? undefined : versionId, body: readFileSync(file) };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  public async put(bucket: string, region: string, key: string, body: Buffer): Promise<{ readonly versionId?: string }> {
    const scratch = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-put-'));
    try {
      const file = path.join(scratch, 'object');
      writeFileSync(file, body);
      const md5 = createHash('md5').update(body).digest('base64');
      const out = await this.s3api(['put-object', '--bucket', bucket, '--key', key, '--body', file, '--content-md5', md5, '--region', region]);
      const versionId = JSON.parse(out).VersionId as string | undefined;
      return { versionId: versionId === 'null' ? undefined : versionId };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  private s3api(args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('aws', ['s3api', ...args, '--output', 'json'], { env: this.env, maxBuffer: 16 * 1024 * 1024, timeout: 300_000 }, (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error('the AWS CLI (aws) is needed to publish: https://docs.aws.amazon.com/cli/'));
        reject(new AwsCliError(`aws s3api ${args[0]}`, stderr));
      });
    });
  }
}

/** A refused `aws` call, with the CLI's message. */
export class AwsCliError extends Error {
  constructor(
    command: string,
    public readonly stderr: string,
  ) {
    super(`${command} failed: ${stderr.trim().split('\n').slice(-2).join(' ')}`);
    this.name = 'AwsCliError';
  }
}
