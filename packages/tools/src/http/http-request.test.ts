import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationFailureOf } from '@ordo/testing';
import { runTool, type RunToolOptions } from '../testing/run-tool';
import type { HttpToolConfig } from './http-config';
import { httpRequest } from './http-request';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const routes: Record<string, Handler> = {
  '/json': (_req, res) => json(res, 200, { ok: true, items: [1, 2] }),
  '/text': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-custom': 'yes' });
    res.end('hello, world');
  },
  '/echo': (req, res, body) =>
    json(res, 200, {
      method: req.method,
      url: req.url,
      content_type: req.headers['content-type'] ?? null,
      auth: req.headers.authorization ?? null,
      body,
    }),
  '/not-found': (_req, res) => json(res, 404, { error: 'no such thing' }),
  '/too-many': (_req, res) => json(res, 429, { error: 'slow down' }),
  '/unavailable': (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('maintenance');
  },
  '/slow': (_req, res) => {
    const timer = setTimeout(() => json(res, 200, { late: true }), 5_000);
    res.on('close', () => clearTimeout(timer));
  },
  '/redirect': (req, res) => {
    const to = new URL(req.url!, 'http://x').searchParams.get('to')!;
    res.writeHead(302, { location: to });
    res.end();
  },
  '/see-other': (_req, res) => {
    res.writeHead(303, { location: '/echo' });
    res.end();
  },
  '/loop': (_req, res) => {
    res.writeHead(307, { location: '/loop' });
    res.end();
  },
  '/big': (_req, res) => {
    // Chunked, no content-length: the cap must be enforced while streaming.
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = 'z'.repeat(64 * 1024);
    let sent = 0;
    const write = (): void => {
      while (sent < 64) {
        sent += 1;
        if (!res.write(chunk)) return void res.once('drain', write);
      }
      res.end();
    };
    write();
  },
  '/big-declared': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(2 * 1024 * 1024) });
    res.end('z'.repeat(2 * 1024 * 1024));
  },
};

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

let server: Server;
let base: string;
const CONFIG: HttpToolConfig = { allowedHosts: ['127.0.0.1'], maxResponseBytes: 1024 * 1024 };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const handler = routes[new URL(req.url!, 'http://x').pathname];
      if (handler === undefined) json(res, 404, { error: 'unknown route' });
      else handler(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const call = (params: Record<string, unknown>, options: RunToolOptions = {}) =>
  runTool(httpRequest, params as never, { http: CONFIG, ...options });

describe('http_request', () => {
  it('returns status, headers and a parsed JSON body', async () => {
    const outputs = await call({ url: `${base}/json` });
    expect(outputs.status).toBe(200);
    expect(outputs.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(outputs.body).toEqual({ ok: true, items: [1, 2] });
  });

  it('returns a text body as text', async () => {
    const outputs = await call({ url: `${base}/text` });
    expect(outputs).toMatchObject({ status: 200, body: 'hello, world', headers: { 'x-custom': 'yes' } });
  });

  it('sends method, query, headers and a JSON body', async () => {
    const outputs = await call({
      method: 'POST',
      url: `${base}/echo?a=1`,
      query: { b: 'two', c: true, d: 4 },
      headers: { authorization: 'Bearer t' },
      body: { hello: ['world'] },
    });
    expect(outputs.body).toEqual({
      method: 'POST',
      url: '/echo?a=1&b=two&c=true&d=4',
      content_type: 'application/json',
      auth: 'Bearer t',
      body: '{"hello":["world"]}',
    });
  });

  it('returns null as the body of a HEAD request', async () => {
    expect(await call({ method: 'HEAD', url: `${base}/json` })).toMatchObject({ status: 200, body: null });
  });

  it('refuses a body with GET', async () => {
    const failure = await applicationFailureOf(call({ url: `${base}/echo`, body: { a: 1 } }));
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
      'INVALID_PARAMETERS',
      true,
      'body: is not allowed with GET',
    ]);
  });

  it('refuses a URL that is not http or https', async () => {
    const failure = await applicationFailureOf(call({ url: 'file:///etc/passwd' }));
    expect([failure.type, failure.message]).toEqual([
      'INVALID_PARAMETERS',
      'url: must be an absolute http or https URL',
    ]);
  });

  it('fails non-retryably on a 4xx answer, quoting status and body', async () => {
    const failure = await applicationFailureOf(call({ url: `${base}/not-found?key=secret` }));
    expect([failure.type, failure.nonRetryable]).toEqual(['HTTP_CLIENT_ERROR', true]);
    expect(failure.message).toBe(`HTTP 404 Not Found from GET ${base}/not-found: {"error":"no such thing"}`);
  });

  it('retries a 429 answer', async () => {
    const failure = await applicationFailureOf(call({ url: `${base}/too-many` }));
    expect([failure.type, failure.nonRetryable]).toEqual(['HTTP_CLIENT_ERROR', false]);
  });

  it('fails retryably on a 5xx answer', async () => {
    const failure = await applicationFailureOf(call({ url: `${base}/unavailable` }));
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
      'HTTP_SERVER_ERROR',
      false,
      `HTTP 503 Service Unavailable from GET ${base}/unavailable: maintenance`,
    ]);
  });

  it('fails retryably with TIMEOUT when the answer takes longer than timeout_ms', async () => {
    const started = Date.now();
    const failure = await applicationFailureOf(call({ url: `${base}/slow`, timeout_ms: 200 }));
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
      'TIMEOUT',
      false,
      `GET ${base}/slow: no complete response within 200 ms`,
    ]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails retryably with NETWORK_ERROR when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await applicationFailureOf(call({ url: `http://127.0.0.1:${port}/` }));
    expect([failure.type, failure.nonRetryable]).toEqual(['NETWORK_ERROR', false]);
    expect(failure.message).toMatch(/ECONNREFUSED/);
  });

  it('follows a redirect to an allowed host', async () => {
    const outputs = await call({ url: `${base}/redirect?to=${encodeURIComponent(`${base}/json`)}` });
    expect(outputs).toMatchObject({ status: 200, body: { ok: true, items: [1, 2] } });
  });

  it('turns a POST into a GET on 303', async () => {
    const outputs = await call({ method: 'POST', url: `${base}/see-other`, body: { a: 1 } });
    expect(outputs.body).toMatchObject({ method: 'GET', url: '/echo', content_type: null, body: '' });
  });

  it('refuses non-retryably a redirect to a host not on the allowlist', async () => {
    const elsewhere = base.replace('127.0.0.1', 'localhost');
    const failure = await applicationFailureOf(
      call({ url: `${base}/redirect?to=${encodeURIComponent(`${elsewhere}/json`)}` }),
    );
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
      'HOST_NOT_ALLOWED',
      true,
      `Redirect to host '${new URL(elsewhere).host}' refused: it is not on the worker's allowed hosts`,
    ]);
  });

  it('gives up after five redirects', async () => {
    const failure = await applicationFailureOf(call({ url: `${base}/loop` }));
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
      'HTTP_CLIENT_ERROR',
      true,
      `GET ${base}/loop: more than 5 redirects`,
    ]);
  });

  it('refuses non-retryably a host not on the allowlist, and every host by default', async () => {
    const failure = await applicationFailureOf(
      call({ url: `${base}/json` }, { http: { allowedHosts: ['api.example.com'] } }),
    );
    const host = new URL(base).host;
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
      'HOST_NOT_ALLOWED',
      true,
      `Request to host '${host}' refused: it is not on the worker's allowed hosts`,
    ]);
    const unconfigured = await applicationFailureOf(runTool(httpRequest, { url: `${base}/json` }));
    expect(unconfigured.type).toBe('HOST_NOT_ALLOWED');
  });

  it('refuses non-retryably a response larger than the cap, streamed or declared', async () => {
    for (const path of ['/big', '/big-declared']) {
      const failure = await applicationFailureOf(call({ url: `${base}${path}` }));
      expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
        'RESPONSE_TOO_LARGE',
        true,
        `GET ${base}${path}: the response body is larger than the limit of 1048576 bytes`,
      ]);
    }
    // Under a larger cap the same answer is fine (and leaves the activity by reference: it is over 256 KiB).
    const outputs = await call({ url: `${base}/big` }, { http: { ...CONFIG, maxResponseBytes: 8 * 1024 * 1024 } });
    expect(outputs.body).toMatchObject({ type: 'string', size: 4 * 1024 * 1024 + 2 });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new CancelledFailure('CANCELLED')), 100);
    const started = Date.now();
    const err = await call({ url: `${base}/slow`, timeout_ms: 60_000 }, { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
