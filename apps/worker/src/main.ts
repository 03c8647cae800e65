import { resolve } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { createUrlSigner, loadEnvOrExit, temporalConnectionOptions } from '@ordo/core';
import { openStore } from '@ordo/storage';
import { tallyLedgerPath, TEST_TOOLS, TOOLS, ToolThreads } from '@ordo/tools';
import { loadWorkerEnv, type Env } from './env';
import { createWorker } from './worker';

const env: Env = loadEnvOrExit(loadWorkerEnv);
const store = await openStore({ dataDir: resolve(env.ORDO_DATA_DIR), databaseUrl: env.DATABASE_URL });
const connection = await NativeConnection.connect(temporalConnectionOptions(env));
const threads = new ToolThreads({ maxThreads: env.ORDO_TOOL_THREADS });
try {
  const worker = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.ORDO_TASK_QUEUE,
    store,
    tools: env.ORDO_TEST_TOOLS === '1' ? [...TOOLS, ...TEST_TOOLS] : TOOLS,
    ...(env.ORDO_TEST_TOOLS === '1' && { testLedgerPath: tallyLedgerPath(resolve(env.ORDO_DATA_DIR)) }),
    http: { allowedHosts: env.ORDO_HTTP_ALLOWED_HOSTS },
    inlineLimitBytes: env.ORDO_INLINE_VALUE_LIMIT_BYTES,
    ...(env.ORDO_WORKER_MAX_CACHED_WORKFLOWS !== undefined && {
      maxCachedWorkflows: env.ORDO_WORKER_MAX_CACHED_WORKFLOWS,
    }),
    threads,
    ...(env.ORDO_URL_SIGNING_KEY !== undefined && {
      urlSigner: createUrlSigner({
        key: env.ORDO_URL_SIGNING_KEY,
        publicUrl: env.ORDO_PUBLIC_URL,
        minTtlSeconds: env.ORDO_FILE_URL_TTL_SECONDS,
      }),
    }),
  });
  console.log(
    `Ordo worker polling task queue '${env.ORDO_TASK_QUEUE}' on ${env.TEMPORAL_ADDRESS} (namespace ${env.TEMPORAL_NAMESPACE}), ${threads.maxThreads} tool threads`,
  );
  // The SDK's runtime turns SIGINT/SIGTERM into a graceful shutdown: in-flight
  // activities finish or are cancelled, then run() resolves.
  await worker.run();
} finally {
  await threads.close();
  await connection.close();
  await store.close();
}
console.log('Ordo worker stopped');
