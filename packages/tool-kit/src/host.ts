/**
 * `@ordo/tool-kit/host`: the pieces `toolActivity` is made of, for a host that runs tools its
 * own way (Ordo's worker: its file store, large values, step recording, worker threads), so
 * its tools validate, fail, heartbeat and log exactly as the kit's own activity does.
 */
export { temporalActivityAttempt } from './activity-attempt.js';
export { AttemptProgress, DEFAULT_PROGRESS_TIMING } from './progress.js';
export type { ProgressSinks } from './progress.js';
export {
  activityFailure,
  parseOutputs,
  parseParameters,
  runAttempt,
  SILENT_LOGGER,
  taggedLogger,
  withAttempt,
} from './tool-attempt.js';
export type { AttemptScope } from './tool-attempt.js';
