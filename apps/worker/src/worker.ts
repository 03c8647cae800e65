import { createRequire } from 'node:module';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createToolActivities } from '@ordo/tools';
import type { OrdoStore } from '@ordo/storage';
import { createJobStoreActivities } from './job-store-activities';

/** The module holding every workflow this worker runs; Temporal bundles it for its sandbox. */
export const workflowsPath = createRequire(import.meta.url).resolve('@ordo/core/workflows');

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  store: OrdoStore;
  /** A prebuilt bundle (tests build one per run); without it the worker bundles `workflowsPath`. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Further activities on the same task queue: tools a deployment adds beside the built-in ones. */
  extraActivities?: Record<string, (...args: never[]) => Promise<unknown>>;
}

/**
 * A worker that runs the job workflow and, on the same task queue, every tool as an
 * activity named by its `tool_id`, plus the job-store activities.
 */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    // Tools heartbeat their progress ("Processing page 3 of 10"); the API shows the last
    // message as live output. Heartbeats are not history events, so this costs no history.
    defaultHeartbeatThrottleInterval: '1 second',
    maxHeartbeatThrottleInterval: '2 seconds',
    activities: {
      ...createToolActivities({ files: options.store.files }),
      ...createJobStoreActivities(options.store),
      ...options.extraActivities,
    },
  });
}
