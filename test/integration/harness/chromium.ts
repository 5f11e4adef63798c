import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * Real headless Chromium (Debian's `chromium` package) driven over the DevTools protocol on a pipe
 * (`--remote-debugging-pipe`: JSON messages separated by NUL on fds 3 and 4), so the tests need no
 * browser-automation package. A missing browser throws: an HTML check that silently skipped would
 * prove nothing.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_INSTALL_HINT = 'apt-get install -y chromium';

export interface PageLoad {
  /** Console messages of level error, uncaught exceptions, and browser log errors (CSP refusals among them). */
  readonly errors: string[];
  /** Every URL the page asked for besides its own (a self-contained page asks for none). */
  readonly requests: string[];
  /** The value of `expression`, evaluated after the load event. */
  readonly value: unknown;
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, any>;
  result?: Record<string, any>;
  error?: { message: string };
  sessionId?: string;
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--remote-debugging-pipe',
];

/** Opens `url` (a file:// URL) in a fresh headless Chromium, waits for load, evaluates `expression`, and closes. */
export async function loadInChromium(url: string, expression: string, timeoutMs = 30_000): Promise<PageLoad> {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(`Chromium is required by this test but ${CHROMIUM} is missing. Install it with: ${CHROMIUM_INSTALL_HINT} (or set CHROMIUM_PATH)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'imdsv2-guard-chromium-'));
  // Its own process group: Chromium's helpers (zygote, renderer, crashpad) go with it at the end.
  const child: ChildProcess = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-8000)));
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;

  let nextId = 1;
  const pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  const listeners: Array<(m: Message) => void> = [];
  let buffer = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffer.slice(0, end)) as Message;
      buffer = buffer.slice(end + 1);
      if (message.id !== undefined && pending.has(message.id)) {
        const p = pending.get(message.id)!;
        pending.delete(message.id);
        if (message.error) p.reject(new Error(`${message.error.message}`));
        else p.resolve(message);
      } else {
        listeners.forEach((l) => l(message));
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Message> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const errors: string[] = [];
    const requests: string[] = [];
    const { result } = await Promise.race([
      send('Target.createTarget', { url: 'about:blank' }),
      exited.then(() => {
        throw new Error(`Chromium exited before answering:\n${stderr}`);
      }),
    ]);
    const { result: attached } = await send('Target.attachToTarget', { targetId: result!.targetId, flatten: true });
    const session = attached!.sessionId as string;
    let loaded: () => void = () => undefined;
    const load = new Promise<void>((resolve) => (loaded = resolve));
    listeners.push((m) => {
      if (m.sessionId !== session) return;
      const p = m.params ?? {};
      if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert')) {
        errors.push(`console.${p.type}: ${(p.args ?? []).map((a: { value?: unknown; description?: string }) => a.value ?? a.description).join(' ')}`);
      } else if (m.method === 'Runtime.exceptionThrown') {
        errors.push(`exception: ${p.exceptionDetails?.exception?.description ?? p.exceptionDetails?.text}`);
      } else if (m.method === 'Log.entryAdded' && p.entry?.level === 'error') {
        errors.push(`log (${p.entry.source}): ${p.entry.text}`);
      } else if (m.method === 'Network.requestWillBeSent' && p.request?.url !== url) {
        requests.push(String(p.request?.url));
      } else if (m.method === 'Page.loadEventFired') {
        loaded();
      }
    });
    for (const domain of ['Runtime.enable', 'Log.enable', 'Network.enable', 'Page.enable']) await send(domain, {}, session);
    await send('Page.navigate', { url }, session);
    await load;
    // Let late console messages (a script that runs after load, a deferred resource) arrive.
    await new Promise((r) => setTimeout(r, 300));
    const evaluated = await send('Runtime.evaluate', { expression, returnByValue: true }, session);
    if (evaluated.result?.exceptionDetails) throw new Error(`evaluating the check failed: ${JSON.stringify(evaluated.result.exceptionDetails)}`);
    await send('Browser.close').catch(() => undefined);
    return { errors, requests, value: evaluated.result?.result?.value };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
    // A helper may still be flushing into the profile for a moment after the group is signalled.
    rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
}
