import { z } from 'zod';
import type { ConfigurableTool, ToolSettings } from '../configurable-tool';
import { defineTool, type ToolContext } from '../tool-definition';
import { ToolError } from '../tool-error';
import { HostAllowlist } from './host-allowlist';
import { DEFAULT_MAX_RESPONSE_BYTES, type HttpToolConfig } from './http-config';
import { readResponseBody, responseHeaders } from './response-body';

/** Redirects followed before giving up; each one is checked against the allowlist. */
export const MAX_REDIRECTS = 5;

const Method = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);

export const HttpRequestParams = z.object({
  method: Method.default('GET').describe("The HTTP method; defaults to 'GET'."),
  url: z
    .url({ protocol: /^https?$/, error: 'must be an absolute http or https URL' })
    .describe("The URL to call (http or https). Its host must be on the worker's allowlist."),
  headers: z.record(z.string(), z.string()).default({}).describe('Request headers by name.'),
  query: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .default({})
    .describe("Query parameters added to the URL's own, by name."),
  body: z
    .unknown()
    .optional()
    .describe(
      'Any JSON value, sent as JSON (content-type application/json unless `headers` set one). Not allowed with GET or HEAD.',
    ),
  timeout_ms: z
    .number()
    .int()
    .min(1)
    .max(120_000)
    .default(10_000)
    .describe('Time allowed for the whole exchange, redirects and body included, in milliseconds; defaults to 10000.'),
});
export type HttpRequestParams = z.infer<typeof HttpRequestParams>;

export const HttpRequestOutputs = z.object({
  status: z.number().int().describe('The HTTP status of the final response (after redirects).'),
  headers: z
    .record(z.string(), z.string())
    .describe('Response headers by lower-case name; repeated headers joined with ", ".'),
  body: z
    .unknown()
    .describe('The response body: parsed when the response is JSON, else its text; null when there is none.'),
});
export type HttpRequestOutputs = z.infer<typeof HttpRequestOutputs>;

/** Builds the `http_request` tool for a worker's configuration (allowlist and size cap). */
export function createHttpRequestTool(config: HttpToolConfig | undefined): ConfigurableTool {
  // Parsed once, when the worker configures its tools, so a bad entry fails at start-up.
  const allowlist = new HostAllowlist(config?.allowedHosts ?? []);
  const maxResponseBytes = config?.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const tool = defineTool({
    tool_id: 'http_request',
    name: 'HTTP Request',
    description:
      'Calls an HTTP(S) API and returns the status, headers and body (parsed when JSON). Only hosts on the ' +
      "worker's allowlist can be reached, redirects included. 5xx answers, network errors and timeouts are " +
      'retried; 4xx answers (except 408 and 429) are not.',
    version: '1.0.0',
    parameters: HttpRequestParams,
    outputs: HttpRequestOutputs,
    defaults: { timeout_seconds: 150 },
    run: (params, ctx) => sendRequest(params, ctx, allowlist, maxResponseBytes),
  });
  return { ...tool, configure: (settings: ToolSettings) => createHttpRequestTool(settings.http) };
}

/** The catalog's `http_request`: without worker configuration it refuses every host. */
export const httpRequest = createHttpRequestTool(undefined);

async function sendRequest(
  params: HttpRequestParams,
  ctx: ToolContext,
  allowlist: HostAllowlist,
  maxResponseBytes: number,
): Promise<HttpRequestOutputs> {
  let url = new URL(params.url);
  for (const [name, value] of Object.entries(params.query)) url.searchParams.append(name, String(value));
  let method: string = params.method;
  if (params.body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new ToolError('INVALID_PARAMETERS', `body: is not allowed with ${method}`);
  }
  let headers: Headers;
  try {
    headers = new Headers(params.headers);
  } catch (err) {
    throw new ToolError('INVALID_PARAMETERS', `headers: ${err instanceof Error ? err.message : String(err)}`);
  }
  let body = params.body === undefined ? undefined : JSON.stringify(params.body);
  if (body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');

  const timeout = AbortSignal.timeout(params.timeout_ms);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  try {
    for (let redirects = 0; ; redirects += 1) {
      checkAllowed(url, allowlist, redirects > 0);
      const response = await fetch(url, { method, headers, body, redirect: 'manual', signal });
      const location = isRedirect(response.status) ? response.headers.get('location') : null;
      if (location === null) return await finalResponse(response, method, url, maxResponseBytes);
      await response.body?.cancel();
      if (redirects === MAX_REDIRECTS) {
        throw new ToolError('HTTP_CLIENT_ERROR', `${method} ${describeUrl(url)}: more than ${MAX_REDIRECTS} redirects`);
      }
      const next = new URL(location, url);
      // As browsers do: 303 turns any request but HEAD into a GET, and 301/302 turn a POST into one.
      if (
        (response.status === 303 && method !== 'HEAD') ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
        headers.delete('content-type');
      }
      // Credentials meant for one origin must not be handed to another.
      if (next.origin !== url.origin)
        for (const name of ['authorization', 'cookie', 'proxy-authorization']) headers.delete(name);
      ctx.log.info('Following redirect', { status: response.status, to: describeUrl(next) });
      url = next;
    }
  } catch (err) {
    if (err instanceof ToolError || ctx.signal.aborted) throw err;
    if (timeout.aborted) {
      throw new ToolError(
        'TIMEOUT',
        `${method} ${describeUrl(url)}: no complete response within ${params.timeout_ms} ms`,
        { retryable: true, cause: err },
      );
    }
    throw new ToolError('NETWORK_ERROR', `${method} ${describeUrl(url)}: ${networkErrorMessage(err)}`, {
      retryable: true,
      cause: err,
    });
  }
}

function checkAllowed(url: URL, allowlist: HostAllowlist, redirected: boolean): void {
  const via = redirected ? 'Redirect to' : 'Request to';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ToolError('HOST_NOT_ALLOWED', `${via} ${url.protocol} URL refused: only http and https are allowed`);
  }
  if (!allowlist.allows(url)) {
    throw new ToolError(
      'HOST_NOT_ALLOWED',
      `${via} host '${url.host}' refused: it is not on the worker's allowed hosts`,
    );
  }
}

async function finalResponse(
  response: Response,
  method: string,
  url: URL,
  maxResponseBytes: number,
): Promise<HttpRequestOutputs> {
  if (response.status >= 400) {
    // An error answer is read only far enough to quote it.
    const snippet = (await readResponseBody(response, 500, 'truncate')).text.replace(/\s+/g, ' ').trim();
    const message = `HTTP ${response.status} ${response.statusText} from ${method} ${describeUrl(url)}${snippet === '' ? '' : `: ${snippet}`}`;
    if (response.status >= 500) throw new ToolError('HTTP_SERVER_ERROR', message, { retryable: true });
    // 408 and 429 say "not now", not "never".
    throw new ToolError('HTTP_CLIENT_ERROR', message, {
      retryable: response.status === 408 || response.status === 429,
    });
  }
  const { text, empty } = await readResponseBody(response, maxResponseBytes, 'refuse', `${method} ${describeUrl(url)}`);
  return {
    status: response.status,
    headers: responseHeaders(response.headers),
    body: empty ? null : parseBody(text, response.headers.get('content-type')),
  };
}

function parseBody(text: string, contentType: string | null): unknown {
  if (contentType === null || !/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // A server that labels non-JSON as JSON still said something: hand over its text.
    return text;
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** The URL without its query string, which may carry secrets (API keys), for messages and logs. */
function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function networkErrorMessage(err: unknown): string {
  // undici reports "fetch failed" and puts the reason (ECONNREFUSED, ENOTFOUND, …) in `cause`.
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
