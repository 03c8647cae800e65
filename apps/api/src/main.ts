import { resolve } from 'node:path';
import { Client } from '@temporalio/client';
import { createUrlSigner, loadEnvOrExit, temporalConnectionOptions } from '@ordo/core';
import { openStore, registerBuiltinTools } from '@ordo/storage';
import { TEST_TOOL_DESCRIPTORS, TOOL_DESCRIPTORS } from '@ordo/tools';
import { createApp } from './app';
import { LazyNativeConnection } from './lazy-native-connection';
import { loadApiEnv, type Env } from './env';
import { startRunSweep } from './run-sweep';
import { startApiServer } from './server';

const env: Env = loadEnvOrExit(loadApiEnv);
const store = await openStore({ dataDir: resolve(env.ORDO_DATA_DIR), databaseUrl: env.DATABASE_URL });
// Ordo's own tools, as the worker registers them, before the first request: a fresh stack can
// publish before any worker has started. A changed built-in under an old version stops the start.
const builtinTools = env.ORDO_TEST_TOOLS === '1' ? [...TOOL_DESCRIPTORS, ...TEST_TOOL_DESCRIPTORS] : TOOL_DESCRIPTORS;
const { servedElsewhere } = await registerBuiltinTools(store, builtinTools, env.ORDO_TASK_QUEUE);
if (servedElsewhere.length > 0)
  console.warn(`Ordo API: the catalog names another task queue for ${servedElsewhere.join(', ')}`);
// Lazy: the API serves stored jobs and /ready (reporting Temporal down) even before Temporal is up.
const connection = new LazyNativeConnection(temporalConnectionOptions(env));
const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
const app = createApp({
  store,
  temporal: { client, taskQueue: env.ORDO_TASK_QUEUE },
  maxUploadBytes: env.ORDO_MAX_UPLOAD_BYTES,
  maxJsonBytes: env.ORDO_MAX_JSON_BYTES,
  auth: env.ORDO_AUTH === 'off' ? 'off' : { keys: env.ORDO_API_KEYS },
  allowedHosts: [env.HOST, ...env.ORDO_API_ALLOWED_HOSTS],
  idempotencyLeaseMs: env.ORDO_IDEMPOTENCY_LEASE_MS,
  eventStreams: { maxPerKey: env.ORDO_EVENT_STREAMS_PER_KEY, pollMs: env.ORDO_EVENT_POLL_MS },
  temporalUiUrl: env.ORDO_TEMPORAL_UI_URL,
  ...(env.ORDO_URL_SIGNING_KEY !== undefined && { urlSigner: createUrlSigner({ key: env.ORDO_URL_SIGNING_KEY }) }),
});
const temporal = { client, taskQueue: env.ORDO_TASK_QUEUE };
// Runs ended in Temporal without their ending recorded (terminated) must not stay RUNNING in lists.
const sweep =
  env.ORDO_RUN_SWEEP_INTERVAL_MS > 0
    ? startRunSweep({ store, temporal }, env.ORDO_RUN_SWEEP_INTERVAL_MS, (message) => console.log(message))
    : undefined;

const server = await startApiServer(app.fetch, { hostname: env.HOST, port: env.PORT });
console.log(`Ordo API listening on ${server.url}`);
if (env.ORDO_AUTH === 'off')
  console.warn(
    'Ordo API: authentication is OFF (ORDO_AUTH=off): every route is open to anyone who reaches this address',
  );
else
  console.log(`Ordo API: ${env.ORDO_API_KEYS.length} API ${env.ORDO_API_KEYS.length === 1 ? 'key' : 'keys'} accepted`);

let stopping = false;
/** Stops taking requests, lets in-flight ones finish, then releases Temporal and the database. */
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`Ordo API stopping (${signal})`);
  // A stuck client must not keep the process alive forever.
  setTimeout(() => process.exit(1), 10_000).unref();
  // Open event streams would hold the server's close until the process is killed.
  app.closeEventStreams();
  await server.close();
  await sweep?.stop();
  await connection.close();
  await store.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
