import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { ToolDescriptor } from '@ordo/core';
import { openStore, type OrdoStore } from '@ordo/storage';
import { connectClient, connectWorker, tempDataDir, uniqueTaskQueue, workflowBundle } from '@ordo/testing';
import { TOOL_DESCRIPTORS } from '@ordo/tools';
import { createWorker } from '@ordo/worker';
import { createApp, type OrdoApp } from '../src/index';

/** A real stack for API tests: SQLite in a fresh folder, the run's Temporal server, a worker. */
export interface ApiStack {
  app: OrdoApp;
  store: OrdoStore;
  client: Client;
  dataDir: string;
  taskQueue: string;
  stop(): Promise<void>;
}

/** A tool a test adds beside the built-in ones: its catalog entry and its activity. */
export interface TestTool {
  descriptor: ToolDescriptor;
  activity: (params: Record<string, unknown>) => Promise<Record<string, unknown>>;
}

export async function startApiStack(label: string, options: { worker?: boolean; tools?: TestTool[] } = {}): Promise<ApiStack> {
  const extraTools = options.tools ?? [];
  const dir = await tempDataDir(label);
  const store = await openStore({ dataDir: dir.path });
  const client = await connectClient();
  const taskQueue = uniqueTaskQueue(label);
  let connection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  if (options.worker !== false) {
    connection = await connectWorker();
    worker = await createWorker({
      connection,
      namespace: client.options.namespace,
      taskQueue,
      store,
      workflowBundle: workflowBundle(),
      extraActivities: Object.fromEntries(extraTools.map((t) => [t.descriptor.tool_id, t.activity])),
    });
    running = worker.run();
  }
  const app = createApp({ store, temporal: { client, taskQueue }, tools: [...TOOL_DESCRIPTORS, ...extraTools.map((t) => t.descriptor)], maxUploadBytes: 5 * 1024 * 1024 });
  return {
    app,
    store,
    client,
    dataDir: dir.path,
    taskQueue,
    async stop() {
      worker?.shutdown();
      await running;
      await connection?.close();
      await client.connection.close();
      await store.close();
      await dir.remove();
    },
  };
}

/** JSON request init for `app.request`. */
export function json(method: string, body: unknown): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** A multipart upload of bytes in the `file` field. */
export function upload(bytes: Uint8Array, name: string, type = 'application/pdf'): RequestInit {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  return { method: 'POST', body: form };
}
