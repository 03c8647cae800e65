import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiProblem, validationProblem } from './problem';
import { parseStrictJson } from './strict-json';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by `jsonBody` on a POST, PUT or PATCH that came without a body (none, or an empty one). */
    ordoNoBody: true;
  }
}

/**
 * The one place request bodies are read for JSON routes, before any route parses them, for
 * every POST, PUT and PATCH:
 *
 * - **No body is no body**, however a client says it: none at all (`curl -X POST`, which
 *   sends neither a length nor a type), `Content-Length: 0`, or an empty or blank body with
 *   a JSON type (clients that always set one). The request goes on with no body and no
 *   type, so a route whose body is optional runs as if none was sent, and one whose body is
 *   required answers 422 naming `(body)` ({@link requireJsonBody}).
 * - A body must be JSON: `application/json` or a `+json` type, in UTF-8 if a charset is named
 *   (else 415, before a declared body is read); at most `maxBytes` (413, counted as it
 *   streams in, never read whole); valid UTF-8 (400); and strict JSON (`parseStrictJson`:
 *   400 when it does not parse, 422 naming each member it refuses).
 *
 * The text it checked is the body the routes then read, so what is parsed downstream is
 * exactly what was checked. Uploads (multipart) are the files routes' own business.
 */
export function jsonBody(maxBytes: number): MiddlewareHandler {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  return async (c, next) => {
    const method = c.req.method;
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return next();
    const contentType = c.req.header('content-type');
    const media = parseMediaType(contentType);
    if (media?.essence === 'multipart/form-data') return next();
    const length = c.req.header('content-length');
    const declared = length === undefined ? undefined : Number(length);
    if (declared !== undefined && declared > maxBytes) throw tooLarge(maxBytes);
    const json = isJson(media);
    // A declared body of another type is refused before a byte of it is read.
    if (declared !== undefined && declared > 0 && !json) throw unsupported(contentType);
    const bytes = declared === 0 || c.req.raw.body === null ? new Uint8Array() : await readBounded(c, maxBytes);
    if (bytes.length === 0 || (json && isBlank(bytes))) {
      withoutBody(c);
      return next();
    }
    if (!json) throw unsupported(contentType);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new ApiProblem(
        400,
        'MALFORMED_REQUEST',
        'Malformed request',
        'the body is not valid UTF-8 (JSON is always UTF-8)',
        [{ field: '(body)', message: 'must be valid UTF-8' }],
      );
    }
    const parsed = parseStrictJson(text);
    if (!parsed.ok) {
      if (parsed.code === 'NOT_JSON')
        throw new ApiProblem(400, 'MALFORMED_REQUEST', 'Malformed request', parsed.detail, parsed.errors);
      throw validationProblem(parsed.errors, parsed.detail);
    }
    // What the routes read (json(), text()) is this text: Hono keeps each body it read as the
    // promise of it in `bodyCache` (typed as the value). Cheaper than a new Request (measured
    // about 40 µs of CPU per request against about 20).
    (c.req.bodyCache as unknown as { text?: Promise<string> }).text = Promise.resolve(text);
    return next();
  };
}

/**
 * A route's middleware (added by `route()` to every route whose JSON body is required):
 * a request that came without one is a 422 naming `(body)`, not a list of every missing member.
 */
export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  if (c.get('ordoNoBody'))
    throw validationProblem(
      [{ field: '(body)', message: 'is required: a JSON object' }],
      'this request needs a JSON body; none was sent',
    );
  return next();
};

/** The body's bytes, at most `maxBytes` of them (413 beyond, without reading on). */
async function readBounded(c: Parameters<MiddlewareHandler>[0], maxBytes: number): Promise<Uint8Array> {
  let bytes = new Uint8Array();
  // Hono's body limit counts the bytes as they stream in, so a body without a length is cut off at the cap too.
  const limited = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge(maxBytes);
    },
  });
  await limited(c, async () => {
    try {
      bytes = new Uint8Array(await c.req.raw.arrayBuffer());
    } catch {
      throw new ApiProblem(400, 'MALFORMED_REQUEST', 'Malformed request', 'the body could not be read whole', [
        { field: '(body)', message: 'must arrive whole' },
      ]);
    }
  });
  return bytes;
}

/** The request from here on: no body, no type, marked so `requireJsonBody` can tell. */
function withoutBody(c: Parameters<MiddlewareHandler>[0]): void {
  const headers = new Headers(c.req.raw.headers);
  for (const name of ['content-type', 'content-length', 'transfer-encoding']) headers.delete(name);
  c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, signal: c.req.raw.signal });
  c.set('ordoNoBody', true);
}

/** JSON's own whitespace (RFC 8259), all a blank body may hold. */
function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d);
}

interface MediaType {
  /** `type/subtype`, lower case. */
  essence: string;
  /** The `charset` parameter, lower case, unquoted; undefined when none is given. */
  charset?: string;
}

const TOKEN = "[a-z0-9!#$%&'*+.^_`|~-]+";
const ESSENCE = new RegExp(`^${TOKEN}/${TOKEN}$`);

/** A `Content-Type` value (RFC 9110 §8.3.1), or undefined when absent or not one media type. */
function parseMediaType(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  const [essence = '', ...parameters] = header
    .toLowerCase()
    .split(';')
    .map((part) => part.trim());
  if (!ESSENCE.test(essence)) return undefined;
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"(.*)"$/, '$1');
  return { essence, ...(charset !== undefined && { charset }) };
}

/** `application/json` or a `+json` type (RFC 6839), in UTF-8 when a charset is named (RFC 8259 §8.1). */
function isJson(media: MediaType | undefined): boolean {
  if (!media || !/^application\/([a-z.-]+\+)?json$/.test(media.essence)) return false;
  return media.charset === undefined || media.charset === 'utf-8' || media.charset === 'utf8';
}

function unsupported(contentType: string | undefined): ApiProblem {
  const shown = contentType === undefined ? 'none' : contentType.slice(0, 100);
  return new ApiProblem(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'Unsupported media type',
    `send the body as application/json in UTF-8 (Content-Type: ${shown})`,
    [{ field: 'content-type', message: 'must be application/json (UTF-8)' }],
  );
}

function tooLarge(maxBytes: number): ApiProblem {
  return new ApiProblem(
    413,
    'PAYLOAD_TOO_LARGE',
    'Request body too large',
    `JSON bodies may be at most ${maxBytes} bytes`,
    [{ field: '(body)', message: `must be at most ${maxBytes} bytes` }],
  );
}
