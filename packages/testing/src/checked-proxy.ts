import { createServer, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { ResponseChecker, type OpenApiDocument, type ResponseCheckOptions } from './openapi-responses';

/** A running {@link startCheckedProxy}. */
export interface CheckedProxy {
  /** The proxy's base URL, to give clients instead of the API's. */
  url: string;
  /** What went wrong since the last call (answers the document does not declare, an unreachable API), and forgets it. */
  takeMismatches: () => string[];
  close: () => Promise<void>;
}

/**
 * An HTTP proxy in front of an API process, for clients a test does not write itself (the
 * `ordo` CLI, curl in the README's commands, the generated Python client): every answer is
 * checked against the OpenAPI document that process serves (`ResponseChecker`, as the API
 * tests' own requests are), and what does not match is collected for the test to assert on.
 *
 * Requests go on as they came: the same method, path, headers and body framing (a POST
 * without a body stays one without a `Content-Length`, which Node's client would otherwise
 * add). Answers come back as the API gave them, streamed: the status and headers at once,
 * each chunk of the body as it arrives, so an event stream (`text/event-stream`, checked by
 * its status and headers) flows live and a client hanging up closes the upstream request.
 * Any other body is checked when it has all arrived and before the client sees its end, so a
 * mismatch is recorded by the time the client's command finishes.
 */
export async function startCheckedProxy(target: string, options: ResponseCheckOptions = {}): Promise<CheckedProxy> {
  const document = (await (await fetch(`${target}/openapi.json`)).json()) as OpenApiDocument;
  const checker = new ResponseChecker(document, options);
  const mismatches: string[] = [];
  const record = (error: unknown) => mismatches.push(error instanceof Error ? error.message : String(error));

  const server = createServer((incoming, outgoing) => {
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    const headers: IncomingHttpHeaders = { ...incoming.headers };
    // One upstream connection per request, closed after it.
    delete headers.connection;
    const upstream = request(`${target}${path}`, { method, headers, agent: false }, (answer) => {
      const status = answer.statusCode ?? 502;
      const answerHeaders: OutgoingHttpHeaders = { ...answer.headers };
      // Node frames the body to the client itself (chunked unless there is a length).
      delete answerHeaders['transfer-encoding'];
      delete answerHeaders.connection;
      outgoing.writeHead(status, answerHeaders);
      const check = (body: Buffer | null) =>
        checker.checkResponse(method, path, new Response(body, { status, headers: headersOf(answerHeaders) }));
      if (isEventStream(answer.headers['content-type'])) {
        // Checked by its head (the checker never waits for a stream's body), then passed on live.
        outgoing.flushHeaders();
        check(null).catch(record);
        answer.pipe(outgoing);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        outgoing.write(chunk);
      });
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        void check([204, 205, 304].includes(status) ? null : body)
          .catch(record)
          .finally(() => outgoing.end());
      });
      answer.on('error', () => outgoing.destroy());
    });
    // Without a length or chunked framing from the client, none is added: the body stays absent.
    upstream.useChunkedEncodingByDefault = incoming.headers['transfer-encoding'] !== undefined;
    upstream.on('error', (error) => {
      if (outgoing.headersSent) {
        outgoing.destroy();
        return;
      }
      mismatches.push(`${method} ${path}: the API did not answer: ${error.message}`);
      outgoing.writeHead(502).end();
    });
    // The client hung up (a watch stopped with Ctrl-C): so does the proxy, upstream.
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) upstream.destroy();
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
    close: () =>
      new Promise((resolve) => {
        // Streams still open (a watcher left running) must not hold the close.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function headersOf(headers: OutgoingHttpHeaders): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result.set(name, Array.isArray(value) ? value.join(', ') : String(value));
  }
  return result;
}

function isEventStream(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'text/event-stream';
}
