import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort, httpRequest, sleep } from './net';

export const MOTO_INSTALL_HINT = "pip install 'moto[server]==5.2.1'";

export interface MotoServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  /** Process id of the spawned `moto_server` (also its process group id). */
  readonly pid: number;
  /** `POST /moto-api/reset`: drops every resource in every service. */
  reset(): Promise<void>;
  /** Kills the whole process group and waits for the exit. Safe to call twice. */
  stop(): Promise<void>;
  /** The last few KB of the server's stdout and stderr, for failure messages. */
  logs(): string;
}

export interface StartMotoOptions {
  /** How long to wait for the server to answer HTTP. @default 30000 */
  readonly startTimeoutMs?: number;
}

/**
 * Starts `moto_server` on a free port and waits until it answers.
 * Throws (never skips) when moto is missing: integration tests that silently pass without moto
 * would prove nothing.
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const bin = findOnPath('moto_server');
  if (!bin) {
    throw new Error(
      `moto_server is required by the integration tests but was not found on PATH. Install it with: ${MOTO_INSTALL_HINT}`,
    );
  }
  // The free port can be taken between our probe and moto's bind; try a few ports before giving up.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(bin, await freePort(), options.startTimeoutMs ?? 30_000);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortTakenError)) throw error;
    }
  }
  throw lastError;
}

class PortTakenError extends Error {}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Keeps only the tail of a stream: werkzeug logs every request, and we only need the end for errors. */
class Tail {
  private text = '';
  constructor(private readonly max = 16_384) {}
  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-this.max);
  }
  toString(): string {
    return this.text;
  }
}

/**
 * Runs moto under /bin/sh so a watchdog can tie its life to ours. The watchdog reads the stdin pipe
 * that only this Node process holds open: when Node exits for any reason (even SIGKILL, or a Ctrl-C
 * that never reaches moto's own process group) the pipe hits EOF and the watchdog kills the group.
 * `exec` keeps moto's pid equal to the child's pid (and the group id).
 */
const WATCHDOG = 'exec 3<&0; (cat <&3 >/dev/null 2>&1; kill -TERM 0) & exec "$@" 3<&- </dev/null';

async function launch(bin: string, port: number, startTimeoutMs: number): Promise<MotoServer> {
  const url = `http://127.0.0.1:${port}`;
  // detached: its own process group, so stop() reaches moto and its watchdog together.
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'moto-watchdog', bin, '-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  child.stdin?.on('error', () => undefined); // never written to; only its closing matters
  const output = new Tail();
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));

  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      spawnError = error;
      resolve();
    });
  });
  const hasExited = () => spawnError !== undefined || child.exitCode !== null || child.signalCode !== null;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const running = !hasExited();
      // Always signal the group: even when moto already died, its watchdog is still waiting.
      killGroup(child, 'SIGTERM');
      if (running) {
        // Escalate if moto ignores SIGTERM; clear the timer after, or it alone would keep jest alive.
        const escalate = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(escalate);
      }
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
    })();
    return stopping;
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (hasExited()) {
      await stop();
      const logs = output.toString();
      const detail = spawnError ? `${spawnError.message}\n` : `exit code ${child.exitCode ?? child.signalCode}\n`;
      const message = `moto_server failed to start on port ${port}: ${detail}${logs}\n(Is moto installed? ${MOTO_INSTALL_HINT})`;
      throw /address already in use/i.test(logs) ? new PortTakenError(message) : new Error(message);
    }
    try {
      const res = await httpRequest(`${url}/moto-api/`, { timeoutMs: 2000 });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${url} within ${startTimeoutMs} ms:\n${output.toString()}`);
    }
    await sleep(100);
  }

  return {
    url,
    port,
    pid: child.pid ?? -1,
    logs: () => output.toString(),
    stop,
    async reset() {
      const res = await httpRequest(`${url}/moto-api/reset`, { method: 'POST' });
      if (res.status !== 200) throw new Error(`moto reset failed: HTTP ${res.status} ${res.body}`);
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone (ESRCH), or no group: fall back to the process itself.
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}
