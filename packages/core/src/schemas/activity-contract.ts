import { z } from 'zod';
import type { RunClaim, RunHeader } from './run-store-contract';
import type { SchemaValue } from './schema-value';

/** Parameters a tool receives after `parameter_mappings` are resolved. */
export type ToolParams = Record<string, SchemaValue>;
/** What a tool returns: its outputs by name, read by `output_mappings`. */
export type ToolOutputs = Record<string, SchemaValue>;

/**
 * Which step of which run an activity works for. It travels with every tool call so the
 * worker can record the attempt against the right run (a reset leaves an old run
 * in flight, and its writes must not land on the new one) and tools can log and correlate.
 */
export const StepAddress = z.object({
  job_id: z.string(),
  /** The job run: the first Temporal run ID of the run, kept across continue-as-new. */
  run_id: z.string(),
  workflow_id: z.string(),
  step_index: z.number().int().nonnegative(),
  step_id: z.string(),
  correlation_id: z.string(),
});
export type StepAddress = z.infer<typeof StepAddress>;

/**
 * What a tool activity records of its run besides its attempts, for a run begun from a
 * prepared start: the workflow's persistence rides on its tool activities instead of
 * local activities of its own (each one a workflow activation and a marker more per job).
 */
export interface RunRecording {
  /** When the workflow started the step, and its attempt bound: a completed step's row then equals the workflow's record of it. */
  step_started_at: string;
  max_attempts: number;
  /** Claim the job for the run before the tool runs (sent until a claim is confirmed). */
  claim?: RunClaim;
  /**
   * The run's last step: when it succeeds and its outputs map, record the run's ending
   * (Completed) with the step, in one write. `header` is the run's header as the step began.
   */
  finish?: { header: RunHeader; output_mappings: Record<string, string>; output_variables: string[] };
}

/** The one argument of every tool activity. Values over the inline limit arrive as `ValueRef`s. */
export interface ToolActivityInput {
  step: StepAddress;
  params: ToolParams;
  /** Present for a run begun from a prepared start; see `RunRecording`. */
  run?: RunRecording;
}

/** What the activity recorded of a successful attempt: the step's completion, or that and the run's ending. */
export type RecordedEnding = 'step' | 'run';

/** What a tool activity returns: the tool's outputs and the attempt that produced them. */
export interface ToolActivityResult {
  outputs: ToolOutputs;
  /** The attempt that ran the tool: an earlier one than Temporal's when a retry returned its recorded completion. */
  attempt: number;
  /**
   * With `run`, or from a retry that returned an earlier attempt's recorded completion: the
   * time the step's completion was recorded with (the workflow records the same).
   */
  ended_at?: string;
  /** With `run`: what was recorded; absent when the record could not be written (the workflow then writes it). */
  recorded?: RecordedEnding;
}

/**
 * A step's completion that an attempt of the same run recorded: a retry of the step (its
 * result never reached Temporal: the worker died, Temporal was down) returns it instead of
 * running the tool again.
 */
export interface RecordedCompletion {
  /** The outputs as recorded (large values as references). */
  outputs: ToolOutputs;
  /** The attempt that ran the tool. */
  attempt: number;
  completed_at: string;
  /** That attempt recorded the run's ending with the step (the run's last step, begun from a prepared start). */
  run_ended: boolean;
}

/**
 * Every tool is an activity of this shape, registered under its `tool_id`. A failure is an
 * `ApplicationFailure` whose `type` is a `ToolErrorCode` and whose first detail is `{ attempt }`.
 */
export type ToolActivity = (input: ToolActivityInput) => Promise<ToolActivityResult>;
export type ToolActivities = Record<string, ToolActivity>;
