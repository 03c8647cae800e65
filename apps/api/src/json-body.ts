import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiProblem } from './problem';

/** How deep a JSON body may nest: far beyond any Ordo document, far below what overflows the stack. */
export const MAX_JSON_DEPTH = 64;

/**
 * Guards every request body the API parses as JSON, before anything parses it: a body in
 * another media type is 415 (not a misleading 422 listing fields as missing), a body over
 * `maxBytes` is 413 without being read whole, and one nested deeper than `MAX_JSON_DEPTH`
 * is 422 without reaching the parser or zod (which a few thousand levels overflow). Uploads
 * (multipart) are the files routes' own business.
 */
export function jsonBody(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return next();
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type.startsWith('multipart/form-data')) return next();
    const length = c.req.header('content-length');
    const declared = Number(length ?? '0');
    // A body: a declared length, a chunked one, or (no length at all) a stream to read.
    const hasBody = declared > 0 || c.req.header('transfer-encoding') !== undefined || (length === undefined && c.req.raw.body !== null);
    if (!hasBody) return next();
    if (type !== 'application/json' && !type.endsWith('+json')) {
      throw new ApiProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', `send the body as application/json${type ? `, not ${type}` : ''}`, [
        { field: 'content-type', message: 'must be application/json' },
      ]);
    }
    if (declared > maxBytes) throw tooLarge(maxBytes);
    // Hono's body limit counts the bytes as they stream in, so a body without a length (or
    // lying about it) is cut off at the cap too, never read whole.
    const limited = bodyLimit({ maxSize: maxBytes, onError: () => { throw tooLarge(maxBytes); } });
    return limited(c, async () => {
      const text = await c.req.text();
      const depth = jsonDepth(text);
      if (depth > MAX_JSON_DEPTH) {
        throw new ApiProblem(422, 'VALIDATION_FAILED', 'Request validation failed', `the JSON body nests ${depth} levels deep; at most ${MAX_JSON_DEPTH} are accepted`, [
          { field: '(body)', message: `must nest at most ${MAX_JSON_DEPTH} levels deep` },
        ]);
      }
      await next();
    });
  };
}

function tooLarge(maxBytes: number): ApiProblem {
  return new ApiProblem(413, 'PAYLOAD_TOO_LARGE', 'Request body too large', `JSON bodies may be at most ${maxBytes} bytes`, [
    { field: '(body)', message: `must be at most ${maxBytes} bytes` },
  ]);
}

/** The deepest nesting of arrays and objects in JSON text, brackets inside strings aside. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x7b || ch === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (ch === 0x7d || ch === 0x5d) {
      depth--;
    }
  }
  return max;
}
