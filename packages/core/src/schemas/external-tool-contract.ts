import type { StepAddress, ToolOutputs, ToolParams } from './activity-contract';
import type { ToolDispatch } from './tool-descriptor';

/** Before an external tool's activity is scheduled: its parameters made plain JSON it can read over HTTP. */
export interface PrepareExternalCall {
  step: StepAddress;
  dispatch: ToolDispatch;
  params: ToolParams;
  /** How long the step may still run (its attempts, timeouts and backoff): the signed URLs' lifetime. */
  valid_for_seconds: number;
}

/**
 * After an external tool's activity ended (its outputs when it succeeded): the attempt that
 * ended it, read from the run's history, and the outputs checked against the tool's
 * registered `outputs` schema and stored by reference where large.
 */
export interface SettleExternalCall {
  step: StepAddress;
  dispatch: ToolDispatch;
  /** The activity ID the step's external activity was scheduled under. */
  activity_id: string;
  outputs?: ToolOutputs;
}

/** What settling an external tool's activity found. */
export interface SettledExternalCall {
  /** The attempt that ended the activity (undefined when none started: no worker took it). */
  attempt?: number;
  /** The outputs as the run keeps them (large values by reference), when they satisfied the schema. */
  outputs?: ToolOutputs;
  /** The outputs did not satisfy the tool's schema: `INVALID_OUTPUT`, naming the field. */
  error?: { code: string; message: string };
}

/** While an external tool's activity runs: what the watcher follows and records in the job's state. */
export interface WatchExternalCall {
  step: StepAddress;
  dispatch: ToolDispatch;
  activity_id: string;
  max_attempts: number;
}

/**
 * The Ordo activities around an external tool's step: the first two local (Ordo's own
 * database and blob store, no task queue hop), the watcher an ordinary activity on the job's
 * task queue that follows the external activity through Temporal's description of the run
 * (its attempt, heartbeat details, whether a worker has taken it) and records it as Ordo's
 * own worker records a built-in tool's attempts.
 */
export interface ExternalToolActivities {
  prepareExternalToolCall(call: PrepareExternalCall): Promise<ToolParams>;
  settleExternalToolCall(call: SettleExternalCall): Promise<SettledExternalCall>;
  watchExternalToolCall(call: WatchExternalCall): Promise<void>;
}
