import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { REPO_ROOT, type EnvVars } from './env';

/** The CLI as users run it: bin/imdsv2-guard.js in the checkout. */
export const CLI_BIN = join(REPO_ROOT, 'bin', 'imdsv2-guard.js');

/** What a child process left behind: its exit status and everything it wrote. */
export interface ChildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command args` and collects stdout, stderr and the exit status. Asynchronous on purpose: the
 * harness front answers from this process's event loop, so a synchronous spawn would deadlock.
 */
export function runChild(command: string, args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<ChildRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, [...args], { env: options.env, cwd: options.cwd ?? REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/**
 * A CLI child's environment: this process's without any AWS_ variable, then fake keys, no instance
 * metadata, shared config and credentials files that do not exist (or `files`), then `extra`
 * (`undefined` removes a variable).
 */
export function cliEnv(extra: EnvVars = {}, files: { readonly config: string; readonly credentials: string } = NO_AWS_FILES): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_CONFIG_FILE: files.config,
    AWS_SHARED_CREDENTIALS_FILE: files.credentials,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

const NO_AWS_FILES = { config: join(REPO_ROOT, '.no-such-aws-config'), credentials: join(REPO_ROOT, '.no-such-aws-credentials') };

/** `node bin/imdsv2-guard.js ...args` from the checkout, with `cliEnv(extra)`. */
export function runCli(args: readonly string[], extra: EnvVars = {}): Promise<ChildRun> {
  return runChild(process.execPath, [CLI_BIN, ...args], { env: cliEnv(extra) });
}

const TESTING = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Assumed-role credentials in a member account, straight from moto (which maps them to that account). */
export async function memberCredentials(endpoint: string, accountId: string, roleName: string, region = 'us-east-1') {
  const sts = new STSClient({ region, endpoint, credentials: TESTING, maxAttempts: 2 });
  try {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`, RoleSessionName: 'seed' }));
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  } finally {
    sts.destroy();
  }
}

/**
 * An organization in moto (the default account 123456789012 as management), with one member
 * account per name, in order; fills `accounts[name]` with each new account's id (moto draws them at
 * random: a test must not rely on how they sort).
 */
export async function createOrganization<K extends string>(endpoint: string, accounts: Record<K, string>, region = 'us-east-1'): Promise<void> {
  const org = new OrganizationsClient({ region, endpoint, credentials: TESTING, maxAttempts: 2 });
  try {
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    for (const name of Object.keys(accounts) as K[]) {
      accounts[name] = (await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!.AccountId!;
    }
  } finally {
    org.destroy();
  }
}
