import { ResponseChecker, withApiKey, type OpenApiDocument } from '@ordo/testing';

/** One answer of the API, or none: `status` 0 when the request got no answer (refused, reset, timed out). */
export interface ApiAnswer {
  status: number;
  body: unknown;
  /** `Retry-After` in seconds, when the answer had one. */
  retry_after_s?: number;
  /** The answer replayed an idempotency key's first response. */
  replayed: boolean;
  /** Why there was no answer, when `status` is 0. */
  error?: string;
}

/** What a request carries: a JSON body, a multipart form, an `Idempotency-Key`. */
export interface ApiRequest {
  json?: unknown;
  form?: FormData;
  key?: string;
  /** Gives up after this long (default 30 s): a request to a killed process may otherwise hang. */
  timeoutMs?: number;
}

/**
 * The API of one process over HTTP, sending the test API key. Every answer is checked against
 * the OpenAPI document that process serves (fetched once it answers); an answer the document
 * does not allow is kept in `violations`, so a fault run reports it without stopping.
 */
export class OrdoHttp {
  readonly violations: string[] = [];
  private checker: Promise<ResponseChecker | undefined> | undefined;

  constructor(readonly base: string) {}

  async send(method: string, path: string, request: ApiRequest = {}): Promise<ApiAnswer> {
    const headers: Record<string, string> = {};
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    if (request.key !== undefined) headers['idempotency-key'] = request.key;
    const init = withApiKey({
      method,
      headers,
      body: request.form ?? (request.json === undefined ? undefined : JSON.stringify(request.json)),
      signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
    });
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, init);
    } catch (err) {
      return {
        status: 0,
        body: undefined,
        replayed: false,
        error:
          err instanceof Error
            ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}`
            : String(err),
      };
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      // The process died while sending its answer.
      return { status: 0, body: undefined, replayed: false, error: `answer cut off: ${String(err)}` };
    }
    await this.check(method, path, new Response(text, { status: res.status, headers: res.headers }));
    const retryAfter = Number(res.headers.get('retry-after'));
    return {
      status: res.status,
      body: parseJson(text),
      replayed: res.headers.get('idempotent-replayed') === 'true',
      ...(Number.isFinite(retryAfter) && retryAfter > 0 && { retry_after_s: retryAfter }),
    };
  }

  /** `GET` of a JSON resource that must answer 200. */
  async get<T>(path: string): Promise<T> {
    const answer = await this.send('GET', path);
    if (answer.status !== 200)
      throw new Error(`GET ${path}: ${answer.status} ${answer.error ?? JSON.stringify(answer.body).slice(0, 500)}`);
    return answer.body as T;
  }

  private async check(method: string, path: string, res: Response): Promise<void> {
    this.checker ??= fetch(`${this.base}/openapi.json`)
      .then(async (doc) => new ResponseChecker((await doc.json()) as OpenApiDocument))
      .catch(() => {
        // The process may be restarting: fetch the document with the next answer.
        this.checker = undefined;
        return undefined;
      });
    const checker = await this.checker;
    try {
      await checker?.checkResponse(method, path, res);
    } catch (err) {
      this.violations.push(err instanceof Error ? err.message : String(err));
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
