import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/openapi';

/** Where the API is and how to reach it. */
export interface OrdoClientOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:3000` (a trailing slash is ignored). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` when set. */
  apiKey?: string;
  /** Another `fetch` (a test's, a proxy's); the global one by default. */
  fetch?: typeof globalThis.fetch;
}

/** The typed client: `client.GET('/v1/jobs/{job_id}', { params: { path: { job_id } } })` and so on. */
export type OrdoClient = Client<paths>;

/**
 * A typed client of Ordo's REST API on openapi-fetch: paths, parameters, bodies and answers
 * typed from the OpenAPI document. A POST without a body (`startJob`, `pauseJob`, …) is sent
 * without one and without a `Content-Type`, as fetch sends it.
 */
export function createOrdoClient(options: OrdoClientOptions): OrdoClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch && { fetch: options.fetch }),
    headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
  });
}
