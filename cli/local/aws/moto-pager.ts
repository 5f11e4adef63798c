import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './moto';

/**
 * A stand-in for one moto 5.2.1 gap the benchmark hits (and any test that lists more launch templates than a page): DescribeLaunchTemplates, and
 * DescribeLaunchTemplateVersions across all templates (`$Latest`/`$Default` without a template id),
 * cut the answer at MaxResults (default 15) and never return a NextToken, so anything past the
 * first page is invisible. This proxy sits between the recording front and moto: for those two
 * calls it asks moto for everything, then answers the page the caller asked for, with a NextToken,
 * as EC2 does (at most 200 a page). Everything else passes through unchanged. The front before it
 * still counts the calls the SDK made; the proxy's own calls to moto are not counted.
 */
export interface MotoPager {
  readonly url: string;
  /** Pages this proxy cut, per operation. */
  readonly paged: Map<string, number>;
  stop(): Promise<void>;
}

const MAX_PAGE = 200;


/** Splits `<list><item>…</item><item>…</item></list>` into the top-level items (nested `<item>`s stay inside). */
function topLevelItems(xml: string, list: string): { before: string; items: string[]; after: string } | undefined {
  const empty = xml.indexOf(`<${list}/>`);
  if (empty >= 0) return { before: xml.slice(0, empty) + `<${list}>`, items: [], after: `</${list}>` + xml.slice(empty + list.length + 3) };
  const open = xml.indexOf(`<${list}>`);
  const close = xml.lastIndexOf(`</${list}>`);
  if (open < 0 || close < 0) return undefined;
  const inner = xml.slice(open + list.length + 2, close);
  const items: string[] = [];
  const tag = /<(\/?)item>|<item\/>/g;
  let depth = 0;
  let start = 0;
  for (let m = tag.exec(inner); m; m = tag.exec(inner)) {
    if (m[0] === '<item/>') {
      if (depth === 0) items.push(m[0]);
      continue;
    }
    if (m[1] === '') {
      if (depth === 0) start = m.index;
      depth += 1;
    } else {
      depth -= 1;
      if (depth === 0) items.push(inner.slice(start, m.index + m[0].length));
    }
  }
  return { before: xml.slice(0, open + list.length + 2), items, after: xml.slice(close) };
}

/** Which list element to re-page, or undefined to pass the request through. */
function pagedList(form: URLSearchParams): string | undefined {
  const action = form.get('Action');
  if (action === 'DescribeLaunchTemplates') return 'launchTemplates';
  if (action === 'DescribeLaunchTemplateVersions' && !form.get('LaunchTemplateId') && !form.get('LaunchTemplateName')) {
    return 'launchTemplateVersionSet';
  }
  return undefined;
}

export async function startMotoPager(motoUrl: string): Promise<MotoPager> {
  const moto = new URL(motoUrl);
  const paged = new Map<string, number>();
  // The first page's full answer, reused for the pages after it (a listing is read once, as EC2 would
  // serve it), so paging costs moto one full read, not one per page.
  const listings = new Map<string, { before: string; items: string[]; after: string }>();

  const toMoto = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, 'content-length': String(body.length), connection: 'keep-alive' };
      const up = httpRequest({ hostname: moto.hostname, port: moto.port, path: req.url, method: req.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });

  const server: Server = createServer((req, res) => {
    (async () => {
      const body = await readBody(req);
      const form = new URLSearchParams(body.toString('utf8'));
      const list = req.method === 'POST' ? pagedList(form) : undefined;
      if (!list) {
        const answer = await toMoto(req, body);
        const headers = { ...answer.headers };
        delete headers['transfer-encoding'];
        delete headers.connection;
        res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
        res.end(answer.body);
        return;
      }
      const pageSize = Math.min(Number(form.get('MaxResults') ?? MAX_PAGE) || MAX_PAGE, MAX_PAGE);
      const offset = Number(form.get('NextToken') ?? '0') || 0;
      form.set('MaxResults', '1000000');
      form.delete('NextToken');
      const key = [...form.entries()].sort().map(([k, v]) => `${k}=${v}`).join('&');
      let split = offset > 0 ? listings.get(key) : undefined;
      let out = '';
      let status = 200;
      if (!split) {
        const answer = await toMoto(req, Buffer.from(form.toString()));
        status = answer.status;
        out = answer.body.toString('utf8');
        split = answer.status === 200 ? topLevelItems(out, list) : undefined;
        if (split) listings.set(key, split);
      }
      if (split) {
        const page = split.items.slice(offset, offset + pageSize);
        const more = offset + pageSize < split.items.length;
        out = `${split.before}${page.join('')}${split.after}`;
        if (more) out = out.replace(/(<\/\w+Response>)\s*$/, `<nextToken>${offset + pageSize}</nextToken>$1`);
        const action = form.get('Action')!;
        paged.set(action, (paged.get(action) ?? 0) + 1);
      }
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`local moto pager failed: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paged,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
