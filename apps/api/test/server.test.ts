import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_API_KEY } from '@ordo/testing';
import { startApiServer, type ApiServer } from '../src/server';
import { startApiStack, type ApiStack } from './harness';

/** A raw HTTP/1.1 exchange, so the test controls the request line and every header (Host too). */
function get(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Bytes written on a raw socket, and everything the server answers until it closes. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** The API's own HTTP server (as `main.ts` starts it), over real sockets: what only the server sees. */
describe('the API server over HTTP', () => {
  let stack: ApiStack;
  let server: ApiServer;
  let port: number;
  const auth = { authorization: `Bearer ${TEST_API_KEY}` };

  beforeAll(async () => {
    stack = await startApiStack('server', { worker: false });
    server = await startApiServer(stack.app.fetch, { hostname: '127.0.0.1', port: 0 });
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    await server.close();
    await stack.stop();
  });

  it('answers a request line over 16 KiB (a 100,000-character ID) with a 431 problem, not an empty body', async () => {
    const res = await get(port, `/v1/jobs/${'x'.repeat(100_000)}`, { ...auth, host: `127.0.0.1:${port}` });
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({
      status: 431,
      code: 'HEADERS_TOO_LARGE',
      errors: [{ field: 'headers' }],
    });
    // Headers too large in total count the same.
    const headers = await get(port, '/v1/tools', { ...auth, 'x-padding': 'p'.repeat(20_000) });
    expect(headers.status).toBe(431);
    expect(JSON.parse(headers.body)).toMatchObject({ code: 'HEADERS_TOO_LARGE' });
  });

  it('answers an ID over 128 characters (under the header limit) with a 422 naming the parameter', async () => {
    const res = await get(port, `/v1/jobs/${'x'.repeat(5000)}/execution-state`, { ...auth, host: `localhost:${port}` });
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body)).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'param.job_id', message: 'must be at most 128 characters (got 5000)' }],
    });
  });

  it('answers a request Node cannot parse with a 400 problem', async () => {
    const answer = await raw(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('Content-Type: application/problem+json');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 400,
      code: 'MALFORMED_REQUEST',
      errors: [{ field: 'method' }],
    });
  });

  it('answers a request without a Host, or with one that names no host, with a 400 problem naming host', async () => {
    // Node itself answered a missing Host with an empty 400, node-server an unreadable one with an empty text/plain 400.
    for (const request of [
      `GET /v1/tools HTTP/1.1\r\n\r\n`,
      `GET /v1/tools HTTP/1.1\r\nHost: localhost:99999\r\n\r\n`,
      `GET /v1/tools HTTP/1.1\r\nHost: a@localhost\r\n\r\n`,
    ]) {
      const answer = await raw(port, request.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
      expect(answer, request).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer, request).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)), request).toMatchObject({
        status: 400,
        code: 'MALFORMED_REQUEST',
        errors: [{ field: 'host' }],
      });
    }
  });

  it('serves its own names in any case and refuses a rebound foreign Host with 421', async () => {
    // Host names are case-insensitive (RFC 9110): before, node-server answered an empty text/plain 400 to these.
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'localhost',
      `Localhost:${port}`,
      'LOCALHOST',
      `LocalHost.:${port}`,
    ]) {
      expect((await get(port, '/v1/tools', { ...auth, host })).status, host).toBe(200);
    }
    const rebound = await get(port, '/v1/tools', { ...auth, host: `attacker.example:${port}` });
    expect(rebound.status).toBe(421);
    expect(rebound.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(rebound.body)).toMatchObject({ code: 'HOST_NOT_ALLOWED', errors: [{ field: 'host' }] });
    // Before authentication: the foreign page learns nothing, with or without a key.
    expect((await get(port, '/v1/tools', { host: 'attacker.example' })).status).toBe(421);
  });

  it('requires the key over HTTP too', async () => {
    const res = await get(port, '/v1/tools', { host: `127.0.0.1:${port}` });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="ordo"');
  });
});
