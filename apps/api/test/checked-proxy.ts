import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { ResponseChecker, type OpenApiDocument } from '@ordo/testing';
import { PENDING_OPENAPI_PATHS } from './openapi-check';

/** A running {@link startCheckedProxy}. */
export interface CheckedProxy {
  /** The proxy's base URL, to give clients instead of the API's. */
  url: string;
  /** What went wrong since the last call (answers the document does not declare, unreachable API), and forgets it. */
  takeMismatches: () => string[];
  close: () => Promise<void>;
}

/**
 * An HTTP proxy in front of an API process, for clients a test does not write itself (curl
 * in the README's commands): every answer is checked against the OpenAPI document that
 * process serves, as `fetchChecked` checks the test's own requests. Requests go on as they
 * came: the same method, path, headers and body framing (a POST without a body stays one
 * without a `Content-Length`, which Node's client would otherwise add), so the API sees
 * what the client sent.
 */
export async function startCheckedProxy(target: string): Promise<CheckedProxy> {
  const checker = new ResponseChecker((await (await fetch(`${target}/openapi.json`)).json()) as OpenApiDocument, {
    pending: PENDING_OPENAPI_PATHS,
  });
  const mismatches: string[] = [];
  const server = createServer((incoming, outgoing) => {
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    const headers: IncomingHttpHeaders = { ...incoming.headers };
    // One upstream connection per request, closed after it.
    delete headers.connection;
    const upstream = request(`${target}${path}`, { method, headers, agent: false }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        const status = answer.statusCode ?? 502;
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && name !== 'transfer-encoding' && name !== 'connection')
            answerHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        answerHeaders.set('content-length', String(body.length));
        const response = new Response([204, 205, 304].includes(status) ? null : body, {
          status,
          headers: answerHeaders,
        });
        // Checked before the client has the answer, so a mismatch is recorded by the time its command ends.
        void checker
          .checkResponse(method, path, response)
          .catch((error: unknown) => mismatches.push(error instanceof Error ? error.message : String(error)))
          .finally(() => outgoing.writeHead(status, Object.fromEntries(answerHeaders)).end(body));
      });
    });
    // Without a length or chunked framing from the client, none is added: the body stays absent.
    upstream.useChunkedEncodingByDefault = incoming.headers['transfer-encoding'] !== undefined;
    upstream.on('error', (error) => {
      mismatches.push(`${method} ${path}: the API did not answer: ${error.message}`);
      outgoing.writeHead(502).end();
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the proxy has no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    takeMismatches: () => mismatches.splice(0),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
