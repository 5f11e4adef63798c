import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Io } from './io';
import { mainHelp } from './scan/help';
import { runReport } from './report/command';
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

/** The CLI: dispatches to a command and returns the exit status (0, 1, 2 or 3: see cli/scan/report.ts EXIT). */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return runScan(rest, io);
    case 'report':
      return runReport(rest, io);
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

/**
 * The AWS SDK warns once per process, through process.emitWarning, that its releases after early
 * 2027 need Node.js 22. A command-line tool must not print it between the user and the report; the
 * warning is for whoever maintains the installation (engines in package.json says what we support).
 * Only that warning is dropped, and only by the CLI: every other warning still prints.
 */
export function dropSdkNodeVersionWarning(target: { emitWarning: NodeJS.Process['emitWarning'] } = process): void {
  const original = target.emitWarning;
  const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning?.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (/^NodeVersionSupportWarning\b/.test(String(text)) || type === 'NodeVersionSupportWarning') return;
    return (original as (...a: unknown[]) => void).call(target, warning, ...rest);
  };
  target.emitWarning = filtered as NodeJS.Process['emitWarning'];
}

const isEpipe = (e: unknown) => (e as { code?: string })?.code === 'EPIPE';

/**
 * Entry used by bin/imdsv2-guard.js: runs and sets the exit status without cutting stdout short.
 * Pipeline manners: a reader that leaves early (`| head`) ends the run quietly with the scan's own
 * exit status (no EPIPE stack); Ctrl-C erases the progress bar, prints one line and exits 130.
 */
export function run(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  dropSdkNodeVersionWarning();
  let finished: number | undefined;
  let readerGone = false;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: unknown) => {
      if (!isEpipe(e)) throw e;
      // The reader closed the pipe: nothing more can be shown there. Finish with the scan's status.
      readerGone = true;
      if (finished !== undefined) process.exit(finished);
    });
  }
  process.once('SIGINT', () => {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
    process.stderr.write('imdsv2-guard: interrupted (Ctrl-C): no report was printed\n');
    process.exit(130);
  });
  return main(argv, { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      finished = code;
      process.exitCode = code;
      // After an error, calls still in flight (other regions, SDK retries) must not keep the process
      // alive; nothing else is left to write. Success paths end on their own, flushing stdout.
      if (code === 2 || readerGone) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`imdsv2-guard: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 2;
    },
  );
}

if (require.main === module) void run();
