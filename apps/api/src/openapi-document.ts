import { createApp } from './app';
import type { AppDeps } from './deps';
import { OPENAPI_PATH } from './routes/docs';

/**
 * The OpenAPI document the API serves, built without a database or Temporal: routes declare
 * their schemas when registered and reach their dependencies only when a request runs, so an app
 * built on inert dependencies serves the very document a running API does. For tools that read
 * the document (Redocly in `pnpm lint`, the client generators' tests) without starting a stack.
 */
export async function servedOpenApiDocument(): Promise<Record<string, unknown>> {
  // Read when routes are built (a repository off the store), used only by requests, which this makes one of: the document's.
  const unused = {};
  const deps: AppDeps = {
    store: unused as AppDeps['store'],
    temporal: { client: unused as AppDeps['temporal']['client'], taskQueue: 'unused' },
    maxUploadBytes: 1,
    auth: 'off',
  };
  const res = await createApp(deps).request(OPENAPI_PATH);
  if (res.status !== 200) throw new Error(`${OPENAPI_PATH} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}
