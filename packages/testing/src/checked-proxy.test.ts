import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCheckedProxy, type CheckedProxy } from './checked-proxy';
import type { OpenApiDocument } from './openapi-responses';
import { SseReader } from './sse-reader';

const json = (schema: unknown) => ({ 'application/json': { schema } });

/** What the stand-in API declares: a thing, an event stream and a bodiless 204. */
const DOCUMENT: OpenApiDocument = {
  openapi: '3.1.0',
  paths: {
    '/v1/things/{id}': {
      get: {
        responses: {
          200: {
            description: 'A thing',
            content: json({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }),
          },
        },
      },
    },
    '/v1/stream': {
      get: { responses: { 200: { description: 'Events', content: { 'text/event-stream': {} } } } },
    },
    '/v1/things/{id}/touch': { post: { responses: { 204: { description: 'Touched' } } } },
  },
  components: { responses: { NotFound: { description: 'No route', content: json({ type: 'object' }) } } },
};

/**
 * The proxy in front of a stand-in API (node:http on loopback) that gives declared and
 * undeclared answers: the undeclared ones are collected, every body arrives unchanged, and
 * an event stream's first message reaches the client while the stream is still open.
 */
describe('startCheckedProxy', () => {
  let api: Server;
  let proxy: CheckedProxy;
  let openStream: ServerResponse | undefined;
  const touched: { contentLength: string | undefined }[] = [];

  beforeAll(async () => {
    api = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/openapi.json')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(DOCUMENT));
      if (url === '/v1/things/good')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"good"}');
      // A 200 whose body breaks the schema, and a status the route does not declare.
      if (url === '/v1/things/bad')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":7}');
      if (url === '/v1/things/teapot')
        return void res.writeHead(418, { 'content-type': 'application/json' }).end('{"id":"tea"}');
      if (url === '/v1/things/a/touch') {
        touched.push({ contentLength: req.headers['content-length'] });
        return void res.writeHead(204).end();
      }
      if (url === '/v1/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('id: 1\nevent: first\ndata: {}\n\n');
        openStream = res;
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const address = api.address();
    if (typeof address !== 'object' || !address) throw new Error('no address');
    proxy = await startCheckedProxy(`http://127.0.0.1:${address.port}`);
  });
  afterAll(async () => {
    await proxy?.close();
    api?.closeAllConnections();
    await new Promise((resolve) => api?.close(resolve));
  });

  it('passes declared answers through unchanged and collects nothing', async () => {
    const res = await fetch(`${proxy.url}/v1/things/good`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"id":"good"}');
    const touch = await fetch(`${proxy.url}/v1/things/a/touch`, { method: 'POST' });
    expect(touch.status).toBe(204);
    expect(touched).toEqual([{ contentLength: '0' }]);
    expect(proxy.takeMismatches()).toEqual([]);
  });

  it('collects an undeclared status and a body that breaks its schema, still giving the client the answer', async () => {
    const teapot = await fetch(`${proxy.url}/v1/things/teapot`);
    expect(teapot.status).toBe(418);
    expect(await teapot.text()).toBe('{"id":"tea"}');
    const bad = await fetch(`${proxy.url}/v1/things/bad`);
    expect(await bad.text()).toBe('{"id":7}');
    const mismatches = proxy.takeMismatches();
    expect(mismatches).toHaveLength(2);
    expect(mismatches[0]).toContain('GET /v1/things/{id} → 418: status 418 is not declared');
    expect(mismatches[1]).toContain('GET /v1/things/{id} → 200: the body does not match');
    expect(proxy.takeMismatches()).toEqual([]);
  });

  it('streams an event stream live: the first message arrives while the stream is open', async () => {
    const res = await fetch(`${proxy.url}/v1/stream`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const stream = new SseReader(res);
    expect(await stream.next()).toEqual({ id: '1', event: 'first', data: '{}' });
    openStream!.end('id: 2\nevent: last\ndata: {}\n\n');
    expect(await stream.next()).toEqual({ id: '2', event: 'last', data: '{}' });
    expect(await stream.next()).toBeUndefined();
    expect(proxy.takeMismatches()).toEqual([]);
  });
});
