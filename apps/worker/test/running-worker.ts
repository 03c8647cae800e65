import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { openStore, type OrdoStore } from '@ordo/storage';
import { connectClient, connectWorker, tempDataDir, workflowBundle } from '@ordo/testing';
import { createWorker, type CreateWorkerOptions } from '../src/index';

/** A worker running on the test run's dev server, with a store of its own. */
export interface RunningWorker {
  store: OrdoStore;
  client: Client;
  /** The worker's connection, for a second worker a test starts on it. */
  connection: NativeConnection;
  /** Shuts the worker down, waits for it, closes the connections and the store, removes the data folder. */
  stop: () => Promise<void>;
}

/** What `startRunningWorker` starts: its data folder's name, its task queue and tools, and a database other than SQLite. */
export interface RunningWorkerOptions {
  name: string;
  taskQueue: string;
  tools: NonNullable<CreateWorkerOptions['tools']>;
  /** PostgreSQL to store in; the data folder's SQLite file without it. */
  databaseUrl?: string;
}

/**
 * The worker tests' setup (one per file, in `beforeAll`): a store in a fresh data folder,
 * a client and a worker connection to the run's dev server, and a worker running on them.
 */
export async function startRunningWorker(options: RunningWorkerOptions): Promise<RunningWorker> {
  const dir = await tempDataDir(options.name);
  const store = await openStore({
    dataDir: dir.path,
    ...(options.databaseUrl !== undefined && { databaseUrl: options.databaseUrl }),
  });
  const client = await connectClient();
  const connection = await connectWorker();
  const worker: Worker = await createWorker({
    connection,
    namespace: client.options.namespace,
    taskQueue: options.taskQueue,
    store,
    tools: options.tools,
    workflowBundle: workflowBundle(),
  });
  const running = worker.run();
  return {
    store,
    client,
    connection,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await client.connection.close();
      await store.close();
      await dir.remove();
    },
  };
}
