import { temporalActivityAttempt, type ActivityAttemptSource } from './activity-attempt.js';
import { downloadFile, uploadFile } from './file-transfer.js';
import { AttemptProgress, DEFAULT_PROGRESS_TIMING, type ProgressTiming } from './progress.js';
import { parseOutputs, parseParameters, runAttempt, SILENT_LOGGER, taggedLogger } from './tool-attempt.js';
import type { ToolCallInfo, ToolContext, ToolDefinition, ToolLogger, ToolObjectSchema } from './tool-definition.js';

/** An external tool's activity: one argument, the JSON object of its parameters; it returns the JSON object of its outputs. */
export type ToolActivityFunction = (params: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Seams of `toolActivity`, for tests and scripts; inside a Temporal activity none is needed. */
export interface ToolActivityOptions {
  /** Where the attempt number, cancellation signal, heartbeat and logger come from; default Temporal's activity context. */
  attempt?: ActivityAttemptSource;
  /** Heartbeat interval (and how often progress is passed on); default every 2 s. */
  progressTiming?: ProgressTiming;
  /** Where logs go outside a Temporal activity; inside one, Temporal's activity logger is used. */
  log?: ToolLogger;
}

const OUTSIDE_AN_ACTIVITY: ToolCallInfo = {
  job_id: '',
  workflow_run_id: '',
  activity_id: '',
  activity_type: '',
  task_queue: '',
};

/**
 * The tool as a plain Temporal activity, as Ordo calls an external tool: its parameters
 * object in, checked against `parameters` (non-retryable `INVALID_PARAMETERS` naming the
 * field), `run` with a context (progress as heartbeat details `{ message, fraction }`, a
 * heartbeat every 2 s while it works so cancellation always arrives, the cancellation signal,
 * a tagged logger, file download and upload), its outputs checked against `outputs` and
 * returned. Failures are `ApplicationFailure`s whose `type` is the `ToolError`'s code.
 */
export function toolActivity<P extends ToolObjectSchema, O extends ToolObjectSchema>(
  tool: ToolDefinition<P, O>,
  options: ToolActivityOptions = {},
): ToolActivityFunction {
  const currentAttempt = options.attempt ?? temporalActivityAttempt;
  return async (params) => {
    const { attempt, signal, heartbeat, log: temporalLog, info = OUTSIDE_AN_ACTIVITY } = currentAttempt();
    const log = taggedLogger(temporalLog ?? options.log ?? SILENT_LOGGER, {
      tool_id: tool.tool_id,
      job_id: info.job_id,
      attempt,
    });
    // Progress goes only to the heartbeat: Ordo reads it from there (its `record` sink is its own workers').
    const progress = new AttemptProgress(
      { heartbeat, record: () => undefined },
      options.progressTiming ?? DEFAULT_PROGRESS_TIMING,
    );
    return runAttempt({ toolId: tool.tool_id, attempt, signal, log, progress }, async () => {
      const input = parseParameters(tool, params);
      const context: ToolContext = {
        progress: (message, fraction) => progress.report(message, fraction),
        signal,
        attempt,
        log,
        info,
        readFile: (file, readOptions) => downloadFile(file, signal, readOptions),
        uploadFile: (uploadUrl, bytes, name, mimeType) => uploadFile(uploadUrl, bytes, name, { mimeType, signal }),
      };
      return parseOutputs(tool, await tool.run(input, context));
    });
  };
}
