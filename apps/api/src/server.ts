import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { ApiProblem } from './problem';

/** The API's HTTP server, listening. */
export interface ApiServer {
  server: Server;
  /** `http://host:port` it listens on. */
  url: string;
  /** Stops taking requests and resolves once in-flight ones are done. */
  close(): Promise<void>;
}

/**
 * Serves `fetch` (the app's) over Node's HTTP server, as `main.ts` runs it. Requests Node
 * refuses before the app sees them are answered in the API's own shape: a request line or
 * headers over Node's limit (16 KiB) get a 431 problem+json, not Node's bare 431, and a
 * request Node cannot parse a 400 problem.
 */
export async function startApiServer(fetch: (request: Request) => Response | Promise<Response>, options: { hostname: string; port: number }): Promise<ApiServer> {
  const server = createAdaptorServer({ fetch }) as Server;
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

/** Answers a request Node's parser refused, in problem+json, and closes the connection. */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // Nothing to answer on a connection the client already dropped, or one a response was written to.
  if (err.code === 'ECONNRESET' || !socket.writable || (socket as Socket & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW' || err.code === 'HPE_REQUEST_HEADER_FIELDS_TOO_LARGE';
  const problem = tooLarge
    ? new ApiProblem(431, 'HEADERS_TOO_LARGE', 'Request header fields too large', 'the request line and headers together may be at most 16 KiB; IDs in paths are at most 128 characters', [
        { field: 'headers', message: 'request line and headers must be at most 16 KiB' },
      ])
    : new ApiProblem(400, 'MALFORMED_REQUEST', 'Malformed request', 'the request is not valid HTTP/1.1');
  const body = JSON.stringify(problem.toJSON(''));
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${problem.status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
