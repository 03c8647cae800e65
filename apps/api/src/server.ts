import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener, RequestError } from '@hono/node-server';
import { ApiProblem, type FieldError } from './problem';

/** The API's HTTP server, listening. */
export interface ApiServer {
  server: Server;
  /** `http://host:port` it listens on. */
  url: string;
  /** Stops taking requests and resolves once in-flight ones are done. */
  close(): Promise<void>;
}

/**
 * Serves `fetch` (the app's) over Node's HTTP server, as `main.ts` runs it. Every request the
 * server refuses before the app sees it is answered in the API's own shape, a problem naming
 * what is wrong: a request line or headers over Node's limit (16 KiB) a 431, a request Node
 * cannot parse a 400 naming the part (`method`, `path`, `headers`, `content-length`, …), and
 * one without a usable `Host` a 400 naming `host` (Node would answer an empty 400 itself for a
 * missing one, `@hono/node-server` an empty text/plain 400 for one it cannot read). Host names
 * are case-insensitive (RFC 9110 §4.2.3), so `Host: Localhost:3100` is served like `localhost`.
 */
export async function startApiServer(
  fetch: (request: Request) => Response | Promise<Response>,
  options: { hostname: string; port: number },
): Promise<ApiServer> {
  const listener = getRequestListener(fetch, { errorHandler: answerRequestError });
  // Without a Host, node-server refuses the request (to the errorHandler) instead of Node answering an empty 400.
  const server = createServer({ requireHostHeader: false }, (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const host = incoming.headers.host;
    if (host !== undefined) incoming.headers.host = host.toLowerCase();
    void listener(incoming, outgoing);
  });
  // Node closes an idle keep-alive connection after 5 s; a client reusing it just then (its
  // pause between two requests a few seconds long) writes into a closing socket and fails
  // with EPIPE. A long timeout puts that race where idle gaps are rare, as load balancers do.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => answerClientError(err, socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would otherwise hold close() open until they time out.
        server.closeIdleConnections();
      }),
  };
}

/**
 * `@hono/node-server` could not make a Request of what Node parsed: no `Host`, one that is no
 * host (`localhost:99999`, `a@b`, `[::1`), a backslash in the path, or a bad absolute URL.
 */
function answerRequestError(err: unknown): Response {
  const problem =
    err instanceof RequestError
      ? /path|absolute url/i.test(err.message)
        ? new ApiProblem(
            400,
            'MALFORMED_REQUEST',
            'Malformed request',
            `the request target is not usable: ${err.message}`,
            [{ field: 'path', message: 'must be a path without backslashes' }],
          )
        : new ApiProblem(400, 'MALFORMED_REQUEST', 'Malformed request', 'the Host header is missing or names no host', [
            { field: 'host', message: 'must be a host name or address, with an optional port' },
          ])
      : new ApiProblem(500, 'INTERNAL', 'Internal error', 'an unexpected error occurred; it has been logged');
  if (problem.status >= 500) console.error('the API server failed to take a request', err);
  return new Response(JSON.stringify(problem.toJSON('')), {
    status: problem.status,
    headers: { 'Content-Type': 'application/problem+json' },
  });
}

/** The part of a request each of Node's parse errors is about, as a problem names it. */
const PARSE_ERROR_FIELDS: Record<string, string> = {
  HPE_INVALID_METHOD: 'method',
  HPE_INVALID_URL: 'path',
  HPE_INVALID_VERSION: 'version',
  HPE_INVALID_HEADER_TOKEN: 'headers',
  HPE_INVALID_CONTENT_LENGTH: 'content-length',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'content-length',
  HPE_INVALID_TRANSFER_ENCODING: 'transfer-encoding',
  HPE_INVALID_CHUNK_SIZE: '(body)',
};

/** Answers a request Node's parser refused, in problem+json, and closes the connection. */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // Nothing to answer on a connection the client already dropped, or one a response was written to.
  if (err.code === 'ECONNRESET' || !socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW' || err.code === 'HPE_REQUEST_HEADER_FIELDS_TOO_LARGE';
  const field = PARSE_ERROR_FIELDS[err.code ?? ''] ?? (/header/i.test(err.message) ? 'headers' : '(request)');
  const errors: FieldError[] = tooLarge
    ? [{ field: 'headers', message: 'request line and headers must be at most 16 KiB' }]
    : [{ field, message: `must be valid HTTP/1.1 (${err.code ?? 'parse error'})` }];
  const problem = tooLarge
    ? new ApiProblem(
        431,
        'HEADERS_TOO_LARGE',
        'Request header fields too large',
        'the request line and headers together may be at most 16 KiB; IDs in paths are at most 128 characters',
        errors,
      )
    : new ApiProblem(400, 'MALFORMED_REQUEST', 'Malformed request', 'the request is not valid HTTP/1.1', errors);
  const body = JSON.stringify(problem.toJSON(''));
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${problem.status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
