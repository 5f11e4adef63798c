import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mapLimit } from '../../lambda/kit/concurrency';

const run = promisify(execFile);

/** Shell words of a command: single-quoted words kept whole (the only quoting our commands use). */
export function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

export interface AwsCliVerdict {
  readonly command: string;
  readonly ok: boolean;
  /** The CLI's last lines when it refused the command. */
  readonly stderr: string;
}

/**
 * Has the real AWS CLI parse and validate each command against the service model, by sending it to
 * an endpoint that refuses connections: the CLI only tries to connect once the command is well formed
 * (known command, known options, parameter values that validate), so "Could not connect to the
 * endpoint URL" means accepted; anything else is the CLI's refusal. Throws (never skips) when the
 * CLI is missing. The commands run in a scratch directory holding the files the runbook's read.
 */
export async function awsCliAccepts(commands: readonly string[]): Promise<AwsCliVerdict[]> {
  const version = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) throw new Error('the AWS CLI (aws) is required by this test: pip install awscli');
  const cwd = mkdtempSync(join(tmpdir(), 'imdsv2-guard-aws-cli-'));
  try {
    mkdirSync(join(cwd, 'dist', 'stackset'), { recursive: true });
    writeFileSync(join(cwd, 'dist', 'stackset', 'imdsv2-guard-member.template.json'), JSON.stringify({ Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } } }));
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))),
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_MAX_ATTEMPTS: '1',
      AWS_RETRY_MODE: 'standard',
      AWS_CONFIG_FILE: join(cwd, 'no-such-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(cwd, 'no-such-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    return await mapLimit([...new Set(commands)], 4, async (command) => {
      const [first, ...rest] = words(command);
      if (first !== 'aws') return { command, ok: false, stderr: 'not an aws command' };
      const argv = [...rest, '--endpoint-url', 'http://127.0.0.1:9', '--cli-connect-timeout', '1'];
      const stderr = await run('aws', argv, { cwd, env, timeout: 120_000 }).then(
        (r) => r.stderr,
        (e: { stderr?: string }) => e.stderr ?? '',
      );
      const ok = /Could not connect to the endpoint URL/.test(stderr);
      return { command, ok, stderr: ok ? '' : stderr.trim().split('\n').slice(-3).join(' | ') };
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
