import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly totalMemoryMB: number;
  readonly freeMemoryMBAtStart: number;
  readonly loadAverageAtStart: readonly number[];
  readonly os: string;
  readonly node: string;
  readonly moto: string;
  readonly awscli: string;
}

function version(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n')[0];
  } catch (error) {
    const e = error as { stderr?: string; message?: string };
    return (e.stderr ?? '').trim().split('\n')[0] || `unavailable (${e.message ?? 'error'})`;
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    totalMemoryMB: Math.round(totalmem() / 1048576),
    freeMemoryMBAtStart: Math.round(freemem() / 1048576),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    os: `${platform()} ${release()}`,
    node: process.version,
    moto: version('python3', ['-c', 'import moto; print("moto " + moto.__version__)']),
    awscli: version('aws', ['--version']),
  };
}
