import { ToolError } from '../tool-error';

/** A response body read as text; `empty` when the response had no body at all (HEAD, 204, 304). */
export interface ResponseText {
  text: string;
  empty: boolean;
}

/**
 * Reads a response body as UTF-8 text, never holding more than `limitBytes`: it streams and
 * stops as soon as the limit is passed, so a huge or endless answer costs at most that much.
 * Beyond the limit it either refuses (non-retryable RESPONSE_TOO_LARGE, naming `what`) or
 * keeps what it has (`truncate`, for quoting error answers).
 */
export async function readResponseBody(
  response: Response,
  limitBytes: number,
  overLimit: 'refuse' | 'truncate',
  what = 'response',
): Promise<ResponseText> {
  if (response.body === null) return { text: '', empty: true };
  const tooLarge = (): ToolError =>
    new ToolError('RESPONSE_TOO_LARGE', `${what}: the response body is larger than the limit of ${limitBytes} bytes`);
  const declared = Number(response.headers.get('content-length'));
  if (overLimit === 'refuse' && Number.isFinite(declared) && declared > limitBytes) {
    await response.body.cancel();
    throw tooLarge();
  }
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > limitBytes) {
      await reader.cancel();
      if (overLimit === 'refuse') throw tooLarge();
      chunks.push(value.subarray(0, limitBytes - total));
      total = limitBytes;
      break;
    }
    chunks.push(value);
    total += value.byteLength;
  }
  return { text: Buffer.concat(chunks, total).toString('utf8'), empty: false };
}

/** Response headers by (lower-case) name; a repeated header's values are joined with ", ". */
export function responseHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  });
  return out;
}
