import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the link does to one file's content requests: see {@link startNetworkLink}. */
export type LinkFault = 'fail-once' | 'pace' | 'stall';

/** One request of a tool through the link, as the link saw it. */
export interface LinkRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Whether the request carried an `authorization` header (an API key): a signed URL needs none. */
  authorized: boolean;
  /** The status the link answered. */
  status?: number;
  /** Closed by the client before its answer ended. */
  abandoned: boolean;
}

export interface NetworkLink {
  /** The base URL to give the Ordo worker as `ORDO_PUBLIC_URL`. */
  base: string;
  /** Every request, in order. */
  requests: LinkRequest[];
  /** The requests for one file's content (`/v1/files/{file_id}/content`). */
  contentRequests(fileId: string): LinkRequest[];
  /** Sets what happens to the next content requests of `fileId`. */
  fault(fileId: string, fault: LinkFault): void;
  close(): Promise<void>;
}

/**
 * The network between an external tool and the API: a forwarding HTTP proxy in front of the
 * real API process at `target`, so the tool's signed `content_url` is checked by the API itself
 * while the test decides what the network does to one file's bytes:
 * - `fail-once`: the first request answers 503 (a proxy whose upstream is busy), later ones go through;
 * - `pace`: the bytes arrive in 12 parts, 500 ms apart (a slow link: progress to watch);
 * - `stall`: the first part, then nothing until the client goes (a download to cancel).
 */
export async function startNetworkLink(target: string): Promise<NetworkLink> {
  const faults = new Map<string, LinkFault>();
  const requests: LinkRequest[] = [];
  const server: Server = createServer((req, res) => {
    void forward(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502).end(String(err));
      else res.destroy();
    });
  });

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', target);
    const seen: LinkRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorized: req.headers.authorization !== undefined,
      abandoned: false,
    };
    requests.push(seen);
    res.on('close', () => {
      if (!res.writableEnded) seen.abandoned = true;
    });
    const fileId = /^\/v1\/files\/([^/]+)\/content$/.exec(url.pathname)?.[1];
    const fault = fileId === undefined ? undefined : faults.get(decodeURIComponent(fileId));
    if (fault === 'fail-once' && fileId !== undefined) {
      faults.delete(decodeURIComponent(fileId));
      seen.status = 503;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream busy');
      return;
    }
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readAll(req);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
        headers.set(name, value);
    }
    const upstream = await fetch(url, { method: req.method, headers, ...(body && { body }) });
    const bytes = new Uint8Array(await upstream.arrayBuffer());
    seen.status = upstream.status;
    const answer: Record<string, string> = { 'content-length': String(bytes.byteLength) };
    const type = upstream.headers.get('content-type');
    if (type) answer['content-type'] = type;
    res.writeHead(upstream.status, answer);
    if (upstream.status !== 200 || fault === undefined) return void res.end(bytes);
    const parts = 12;
    const size = Math.ceil(bytes.byteLength / parts);
    res.write(bytes.subarray(0, size));
    if (fault === 'stall') return; // nothing more, until the client closes the connection
    for (let at = size; at < bytes.byteLength; at += size) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (res.destroyed) return;
      res.write(bytes.subarray(at, at + size));
    }
    res.end();
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    contentRequests: (fileId) => requests.filter((r) => r.path === `/v1/files/${encodeURIComponent(fileId)}/content`),
    fault: (fileId, fault) => void faults.set(fileId, fault),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function readAll(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
