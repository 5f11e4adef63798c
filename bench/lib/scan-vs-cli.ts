import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sdkEnv, type Front } from '../../test/integration/harness';
import { REGION } from './api-calls';
import { median, round } from './stats';

export interface CommandRun {
  readonly ms: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, code, stdout, stderr }));
  });
}

/**
 * The awscli v1 chain a person would type to find the same things by hand: instances, launch
 * template $Default/$Latest versions (one account-wide call per page), launch configurations and
 * groups that do not require IMDSv2, and the region's account default. One process per command,
 * run one after the other.
 */
export function awsCliChain(endpoint: string): string[][] {
  const common = ['--endpoint-url', endpoint, '--region', REGION];
  return [
    ['ec2', 'describe-instances', ...common, '--output', 'text', '--query',
      "Reservations[].Instances[?MetadataOptions.HttpTokens!='required' && MetadataOptions.HttpEndpoint!='disabled'].[InstanceId]"],
    ['ec2', 'describe-launch-template-versions', '--versions', '$Latest', '$Default', ...common, '--output', 'text', '--query',
      "LaunchTemplateVersions[?LaunchTemplateData.MetadataOptions.HttpTokens!='required'].[LaunchTemplateId,VersionNumber]"],
    ['autoscaling', 'describe-launch-configurations', ...common, '--output', 'text', '--query',
      "LaunchConfigurations[?MetadataOptions.HttpTokens!='required'].[LaunchConfigurationName]"],
    ['autoscaling', 'describe-auto-scaling-groups', ...common, '--output', 'text', '--query', 'AutoScalingGroups[].[AutoScalingGroupName]'],
    ['ec2', 'get-instance-metadata-defaults', ...common, '--output', 'json'],
  ];
}

export interface ScanVsCli {
  readonly available: boolean;
  readonly reason?: string;
  readonly runs: number;
  readonly scanMs?: number;
  readonly scanAllMs?: number[];
  readonly scanCalls?: number;
  readonly scanCallsByOperation?: Record<string, number>;
  readonly scanFound?: Record<string, number>;
  readonly cliMs: number;
  readonly cliAllMs: number[];
  readonly cliCalls: number;
  readonly cliCallsByOperation: Record<string, number>;
  readonly cliFound: Record<string, number>;
  /** Wall time of each awscli command in the last run (ms): mostly Python start-up and moto. */
  readonly cliCommandMs: Record<string, number>;
  /** scan wall time / awscli chain wall time. */
  readonly ratio?: number;
}

const byOperation = (calls: ReadonlyArray<{ operation: string }>) => {
  const out: Record<string, number> = {};
  for (const c of calls) out[c.operation] = (out[c.operation] ?? 0) + 1;
  return out;
};

/** `imdsv2-guard scan` (the built CLI) beside the awscli chain, both against the same estate through the front. */
export async function scanVsCli(root: string, front: Front, runs = 3): Promise<ScanVsCli> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  for (const [k, v] of Object.entries(sdkEnv(front, REGION))) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  delete env.NODE_OPTIONS;

  // awscli chain
  const cliAllMs: number[] = [];
  let cliCalls: Array<{ operation: string }> = [];
  let cliFound: Record<string, number> = {};
  let cliCommandMs: Record<string, number> = {};
  for (let r = 0; r < runs; r++) {
    const before = front.calls.length;
    const started = process.hrtime.bigint();
    const found: Record<string, number> = {};
    cliCommandMs = {};
    for (const args of awsCliChain(front.url)) {
      const out = await runCommand('aws', args, env);
      cliCommandMs[args[1]] = round(out.ms, 0);
      if (out.code !== 0) throw new Error(`aws ${args.slice(0, 2).join(' ')} failed (${out.code}): ${out.stderr}`);
      found[args[1]] = out.stdout.split('\n').filter((l) => l.trim() && !l.trim().startsWith('{') && !l.trim().startsWith('}') && !l.includes('"')).length;
    }
    cliAllMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    cliCalls = front.calls.slice(before);
    cliFound = found;
  }

  const cli = join(root, 'bin', 'imdsv2-guard.js');
  const built = join(root, 'dist', 'cli', 'imdsv2-guard.js');
  const base = {
    runs,
    cliMs: round(median(cliAllMs), 0),
    cliAllMs: cliAllMs.map((m) => round(m, 0)),
    cliCalls: cliCalls.length,
    cliCallsByOperation: byOperation(cliCalls),
    cliFound,
    cliCommandMs,
  };
  if (!existsSync(cli) || !existsSync(built)) {
    return { available: false, reason: `scan not available (${existsSync(cli) ? built : cli} missing)`, ...base };
  }

  const scanAllMs: number[] = [];
  let scanCalls: Array<{ operation: string }> = [];
  let scanFound: Record<string, number> = {};
  for (let r = 0; r < runs; r++) {
    const before = front.calls.length;
    const out = await runCommand(
      process.execPath,
      [cli, 'scan', '--endpoint-url', front.url, '--region', REGION, '--format', 'json', '--no-progress'],
      env,
    );
    // 0: all compliant, 1: something needs work; 2 is an error.
    if (out.code !== 0 && out.code !== 1) {
      return { available: false, reason: `scan not available: exit ${out.code}: ${out.stderr.trim().split('\n').slice(-3).join(' ')}`, ...base };
    }
    scanAllMs.push(out.ms);
    scanCalls = front.calls.slice(before);
    const report = JSON.parse(out.stdout) as { resources?: Array<{ resourceType?: string; type?: string }> };
    scanFound = {};
    for (const res of report.resources ?? []) {
      const t = String(res.resourceType ?? res.type ?? 'unknown');
      scanFound[t] = (scanFound[t] ?? 0) + 1;
    }
  }
  const scanMs = round(median(scanAllMs), 0);
  return {
    available: true,
    ...base,
    scanMs,
    scanAllMs: scanAllMs.map((m) => round(m, 0)),
    scanCalls: scanCalls.length,
    scanCallsByOperation: byOperation(scanCalls),
    scanFound,
    ratio: round(scanMs / base.cliMs, 2),
  };
}
