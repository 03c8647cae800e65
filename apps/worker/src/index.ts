/**
 * @ordo/worker: the Temporal worker process that runs Ordo's job workflow and its
 * tools. Exported pieces let tests build the same worker against a test server.
 */
export { recordedToolActivities } from './recorded-tool-activities';
export type { StepRecordingOptions } from './recorded-tool-activities';
export { createRunStoreActivities } from './run-store-activities';
export { createStepAttemptRecorder } from './step-attempt-recorder';
export type { StepAttemptRecorder } from './step-attempt-recorder';
export { createWorker, externalToolInputOf, STICKY_QUEUE_SCHEDULE_TO_START_TIMEOUT, workflowsPath } from './worker';
export {
  createExternalToolInput,
  EXTERNAL_TOOL_INLINE_LIMIT_BYTES,
  ExternalToolInputError,
} from './external-tool-input';
export type { ExternalToolInput, ExternalToolInputErrorCode, ExternalToolInputOptions } from './external-tool-input';
export type { CreateWorkerOptions } from './worker';
