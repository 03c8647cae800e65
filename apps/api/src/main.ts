import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { openStore } from '@ordo/storage';
import { TEST_TOOL_DESCRIPTORS, TOOL_DESCRIPTORS } from '@ordo/tools';
import { createApp } from './app';
import { loadEnv } from './env';

const env = loadEnv();
const store = await openStore({ dataDir: resolve(env.ORDO_DATA_DIR), databaseUrl: env.DATABASE_URL });
// Lazy: the API serves stored jobs and /health (reporting Temporal down) even before Temporal is up.
const connection = Connection.lazy({ address: env.TEMPORAL_ADDRESS });
const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
const app = createApp({
  store,
  temporal: { client, taskQueue: env.ORDO_TASK_QUEUE },
  tools: env.ORDO_TEST_TOOLS === '1' ? [...TOOL_DESCRIPTORS, ...TEST_TOOL_DESCRIPTORS] : TOOL_DESCRIPTORS,
  maxUploadBytes: env.ORDO_MAX_UPLOAD_BYTES,
});

const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (info) => {
  console.log(`Ordo API listening on http://${info.address}:${info.port}`);
});

let stopping = false;
/** Stops taking requests, lets in-flight ones finish, then releases Temporal and the database. */
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`Ordo API stopping (${signal})`);
  // A stuck client must not keep the process alive forever.
  setTimeout(() => process.exit(1), 10_000).unref();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive connections would otherwise hold close() open until they time out.
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
  await connection.close();
  await store.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
