/**
 * @ordo/worker: the Temporal worker process that runs Ordo's job workflow and its
 * tools. Exported pieces let tests build the same worker against a test server.
 */
export { createRunStoreActivities } from './run-store-activities';
export { createStepAttemptRecorder } from './step-attempt-recorder';
export { createWorker, STICKY_QUEUE_SCHEDULE_TO_START_TIMEOUT, workflowsPath } from './worker';
export type { CreateWorkerOptions } from './worker';
