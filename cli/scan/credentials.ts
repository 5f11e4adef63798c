import { fromIni } from '@aws-sdk/credential-provider-ini';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './errors';

/**
 * Named profiles, checked before any call so each mistake gets one line that names it:
 * - a profile that is in neither shared file is a usage error naming both files;
 * - a profile's own failure (a credential_process that exits non-zero, an expired SSO session) is
 *   reported with that provider's words, not the credential chain's "Could not load credentials
 *   from any providers" (the chain keeps only its last error).
 */

export function configFile(): string {
  return process.env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config');
}

export function credentialsFile(): string {
  return process.env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials');
}

/** Section names of an INI file (`[profile x]` in the config file is profile `x`); none if unreadable. */
function sections(path: string, config: boolean): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return new Set();
  }
  const out = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
    if (!m) continue;
    const name = config ? m[1].replace(/^profile\s+/, '') : m[1];
    out.add(name.trim());
  }
  return out;
}

/** The profile in effect: --profile, else AWS_PROFILE; undefined means the default chain. */
export function profileInEffect(flag: string | undefined): string | undefined {
  return flag ?? (process.env.AWS_PROFILE || undefined);
}

/** Throws a ConfigError when `profile` is in neither shared file. `default` may be absent (env keys). */
export function checkProfileExists(profile: string, flagGiven: boolean): void {
  if (sections(configFile(), true).has(profile) || sections(credentialsFile(), false).has(profile)) return;
  const via = flagGiven ? '--profile' : 'AWS_PROFILE';
  throw new ConfigError(`${via}: no profile "${profile}" in ${configFile()} or ${credentialsFile()} (aws configure list-profiles shows the ones you have)`);
}

/**
 * The credentials of a named profile, resolved once so its own error surfaces: the message names the
 * profile and keeps the provider's first line of explanation (a credential_process's stderr).
 */
export function profileCredentials(profile: string): AwsCredentialIdentityProvider {
  const provider = fromIni({ profile });
  let memo: ReturnType<AwsCredentialIdentityProvider> | undefined;
  return () => {
    memo ??= provider().catch((e: unknown) => {
      memo = undefined;
      throw profileError(profile, e);
    });
    return memo;
  };
}

/** Credentials of a profile could not be obtained: one line, carried as an error the CLI prints as is. */
export class ProfileCredentialsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProfileCredentialsError';
  }
}

export function profileError(profile: string, e: unknown): ProfileCredentialsError {
  const message = String((e as Error)?.message ?? e).trim();
  const failed = /^Command failed: (.*)\n?([\s\S]*)$/.exec(message);
  if (failed) {
    const said = failed[2].trim().split('\n').filter(Boolean).pop();
    return new ProfileCredentialsError(`the credential_process of profile "${profile}" failed${said ? `: ${said}` : ''} (command: ${failed[1].trim()})`, { cause: e });
  }
  const first = message.split('\n')[0];
  return new ProfileCredentialsError(`no credentials from profile "${profile}": ${first}`, { cause: e });
}
