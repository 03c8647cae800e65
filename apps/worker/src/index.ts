/**
 * @ordo/worker: the Temporal worker process that runs Ordo's job workflow and its
 * tools. Exported pieces let tests build the same worker against a test server.
 */
export { createJobStoreActivities } from './job-store-activities';
export { createWorker, workflowsPath } from './worker';
export type { CreateWorkerOptions } from './worker';
