import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Io } from './io';
import { mainHelp } from './scan/help';
import { runScan } from './scan/command';
import { runDoctor } from './doctor/command';

function version(): string {
  // Bundled to dist/cli/ or run from cli/: package.json is one level up either way.
  for (const path of [join(__dirname, '..', 'package.json'), join(__dirname, '..', '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'imdsv2-guard' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
}

/** The CLI: dispatches to a command and returns the exit status (0, 1 or 2). */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return runScan(rest, io);
    case 'doctor':
      return runDoctor(rest, io);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout.write(`${mainHelp()}\n`);
      return command === undefined ? 2 : 0;
    case '-v':
    case '--version':
      io.stdout.write(`${version()}\n`);
      return 0;
    default:
      io.stderr.write(`imdsv2-guard: unknown command "${command}"\n${mainHelp()}\n`);
      return 2;
  }
}

/** Entry used by bin/imdsv2-guard.js: runs and sets the exit status without cutting stdout short. */
export function run(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  return main(argv, { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
      // After an error, calls still in flight (other regions, SDK retries) must not keep the process
      // alive; nothing else is left to write. Success paths end on their own, flushing stdout.
      if (code === 2) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`imdsv2-guard: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 2;
    },
  );
}

if (require.main === module) void run();
