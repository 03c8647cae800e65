import { connect } from 'node:net';

/** One HTTP/1.1 request written byte for byte: what a hostile or careless client may send. */
export interface RawRequest {
  method: string;
  /** The request target as sent, percent-escapes and all. */
  path: string;
  /** Sent in this order, exactly; `Host` only when given, `Connection: close` always added. */
  headers?: readonly (readonly [string, string])[];
  /** The body; `Content-Length` is added for it unless a header already frames it. */
  body?: string | Uint8Array;
}

/** What the server answered, its headers by lower-case name (repeated ones joined with `, `). */
export interface RawResponse {
  status: number;
  headers: Headers;
  /** The body bytes decoded as UTF-8. */
  body: string;
}

/**
 * Writes `request` on a fresh connection and reads the answer until the server closes it:
 * the request line and every header exactly as given (a `Host` of any case or none, invalid
 * bytes, no `Content-Length` at all), which `fetch` and `http.request` would tidy up.
 */
export function rawRequest(port: number, request: RawRequest): Promise<RawResponse> {
  const headers = [...(request.headers ?? [])];
  const body =
    typeof request.body === 'string'
      ? Buffer.from(request.body, 'utf8')
      : request.body === undefined
        ? undefined
        : Buffer.from(request.body);
  const framed = headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name));
  if (body !== undefined && !framed) headers.push(['Content-Length', String(body.length)]);
  headers.push(['Connection', 'close']);
  const head = `${request.method} ${request.path} HTTP/1.1\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(Buffer.from(head, 'latin1'));
      if (body !== undefined) socket.write(body);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may answer and close before it has read the whole body (a 413): what it said counts.
    socket.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err),
    );
    socket.on('close', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

function parseResponse(bytes: Buffer): RawResponse {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no HTTP response, got ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`);
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  if (status === undefined) throw new Error(`not an HTTP status line: ${statusLine}`);
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  let body = bytes.subarray(end + 4);
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) body = dechunk(body);
  return { status: Number(status), headers, body: body.toString('utf8') };
}

function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
