import { createServer } from 'node:net';
import { request } from 'node:http';

/**
 * A TCP port that was free a moment ago: bind port 0, read what the kernel chose, close.
 * Another process could take it before we use it; callers that spawn a server retry on that.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read the bound port'))));
    });
  });
}

export interface SimpleResponse {
  readonly status: number;
  readonly body: string;
}

/** One plain HTTP request without keep-alive, so no socket outlives the call (jest open handles). */
export function httpRequest(
  url: string,
  options: { method?: string; body?: string; timeoutMs?: number } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: { connection: 'close', 'content-length': Buffer.byteLength(options.body ?? '') },
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out: ${options.method ?? 'GET'} ${url}`)));
    req.on('error', reject);
    req.end(options.body ?? '');
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
