import { ApplicationFailure, CancelledFailure, TemporalFailure } from '@temporalio/common';
import type { z } from 'zod';
import {
  DEFAULT_INLINE_VALUE_LIMIT_BYTES,
  MissingValueError,
  resolveValueRecord,
  storeLargeValues,
  type BlobStore,
  type SchemaValue,
  type ToolOutputs,
  type ToolParams,
} from '@ordo/core';
import { temporalActivityAttempt, type ActivityAttemptSource } from './activity-attempt';
import type { AttemptWatcher } from './tool-call';
import { isConfigurableTool, type ToolSettings } from './configurable-tool';
import type { FileReader } from './file-reader';
import { AttemptProgress, DEFAULT_PROGRESS_TIMING, type ProgressTiming } from './progress';
import { sharedToolThreads, type ThreadedTool, type ToolThreads } from './threads/tool-threads';
import type { ToolActivity } from './tool-call';
import type { ToolContext, ToolDefinition, ToolLogger, ToolObjectSchema } from './tool-definition';
import { ToolError } from './tool-error';

/** What the tool activities need from the rest of the worker. */
export interface ToolDependencies extends ToolSettings {
  files: FileReader;
  /** Where values over `inlineLimitBytes` are stored, and references are resolved from. */
  blobs: BlobStore;
  /** Output values above this size (bytes of JSON) leave the activity as references; default 256 KiB. */
  inlineLimitBytes?: number;
  /** Where logs go outside a Temporal activity (scripts, tests); inside one, Temporal's activity logger is used. */
  log?: ToolLogger;
  /** Test seam: where the attempt number, cancellation signal and heartbeat come from; default Temporal's activity context. */
  attempt?: ActivityAttemptSource;
  /** Test seam: heartbeat and progress-record intervals. */
  progressTiming?: ProgressTiming;
  /** Where tools with `thread` settings run; default one shared `ToolThreads` with the default limits. */
  threads?: ToolThreads;
}

/** Registers every tool as an activity under its `tool_id`. */
export function createToolActivities(
  tools: readonly ToolDefinition[],
  deps: ToolDependencies,
): Record<string, ToolActivity> {
  const activities: Record<string, ToolActivity> = {};
  for (const tool of tools) {
    if (tool.tool_id in activities) throw new Error(`Two tools have the tool_id '${tool.tool_id}'`);
    // The thread imports the tool from its module, unconfigured.
    if (tool.thread !== undefined && isConfigurableTool(tool))
      throw new Error(`Tool '${tool.tool_id}' needs settings, so it cannot run in a thread`);
    activities[tool.tool_id] = toolActivity(isConfigurableTool(tool) ? tool.configure(deps) : tool, deps);
  }
  return activities;
}

/**
 * One tool as an activity. Around `run` it resolves stored values in the parameters, checks
 * them against the tool's schema (a mapping error is permanent: never retried), runs it (in
 * its worker thread when it has `thread` settings), heartbeats while the tool works, checks the outputs against the tool's own schema (a mismatch is a
 * bug in the tool), stores large outputs by reference so no payload nears Temporal's limit,
 * and turns every failure into the `ApplicationFailure` that tells Temporal whether to retry.
 * A `watch` given by the caller follows the attempt (see `AttemptWatcher`).
 */
function toolActivity(tool: ToolDefinition, deps: ToolDependencies): ToolActivity {
  const currentAttempt = deps.attempt ?? temporalActivityAttempt;
  const inlineLimit = deps.inlineLimitBytes ?? DEFAULT_INLINE_VALUE_LIMIT_BYTES;
  const runTool = runner(tool, deps);
  return async ({ step, params }, watch) => {
    const { attempt, signal, heartbeat, log: temporalLog } = currentAttempt();
    const log = taggedLogger(temporalLog ?? deps.log ?? SILENT_LOGGER, {
      tool_id: tool.tool_id,
      job_id: step.job_id,
      run_id: step.run_id,
      step_id: step.step_id,
      attempt,
      correlation_id: step.correlation_id,
    });
    const watcher: AttemptWatcher | undefined = watch?.({ attempt, log });
    const progress = new AttemptProgress(
      { heartbeat, record: (details) => watcher?.progress(details) },
      deps.progressTiming ?? DEFAULT_PROGRESS_TIMING,
    );
    const startedAt = Date.now();
    progress.start();
    try {
      const input = parseParams(tool, await resolveParams(params, deps.blobs));
      const earlier = await watcher?.beforeRun();
      if (earlier !== undefined) return earlier;
      const context: ToolContext = {
        progress: (message, fraction) => progress.report(message, fraction),
        signal,
        files: deps.files,
        step,
        attempt,
        log,
      };
      const outputs = parseOutputs(tool, await runTool(input, context));
      const result = await storeLargeValues(outputs, deps.blobs, inlineLimit);
      // Debug: Temporal's history already records every completion; a line per attempt is noise at volume.
      log.debug('Tool completed', { duration_ms: Date.now() - startedAt });
      return { outputs: result, attempt };
    } catch (err) {
      const failure = withAttempt(activityFailure(err, tool.tool_id, signal), attempt);
      const retryable = failure instanceof ApplicationFailure ? !failure.nonRetryable : false;
      // A failure the tool reported on purpose is expected behaviour, not a warning; anything else is.
      const expected = failure instanceof ApplicationFailure && failure.type !== 'TOOL_FAILED';
      log[expected ? 'info' : 'warn']('Tool failed', {
        duration_ms: Date.now() - startedAt,
        error_type: failure instanceof ApplicationFailure ? failure.type : failure.name,
        retryable,
        error: failure.message,
      });
      throw failure;
    } finally {
      progress.stop();
    }
  };
}

/** How the activity calls the tool: in its thread when it has `thread` settings, else right here. */
function runner(
  tool: ToolDefinition,
  deps: ToolDependencies,
): (params: z.output<ToolObjectSchema>, ctx: ToolContext) => Promise<unknown> {
  if (!isThreaded(tool)) return (params, ctx) => tool.run(params, ctx);
  const threads = deps.threads ?? sharedToolThreads();
  return (params, ctx) => threads.run(tool, params, ctx);
}

function isThreaded(tool: ToolDefinition): tool is ThreadedTool {
  return tool.thread !== undefined;
}

/**
 * The failure with the attempt that made it as its first detail: the workflow learns a
 * step's attempt count only from what its activity returns or throws.
 */
function withAttempt(failure: Error, attempt: number): Error {
  if (!(failure instanceof ApplicationFailure) || failure.details?.length) return failure;
  return ApplicationFailure.create({
    type: failure.type ?? undefined,
    message: failure.message,
    nonRetryable: failure.nonRetryable ?? undefined,
    details: [{ attempt }],
    ...(failure.cause !== undefined && { cause: failure.cause }),
  });
}

async function resolveParams(params: ToolParams, blobs: BlobStore): Promise<ToolParams> {
  try {
    return await resolveValueRecord(params, blobs);
  } catch (err) {
    if (err instanceof MissingValueError)
      throw ApplicationFailure.create({ type: 'VALUE_MISSING', message: err.message, nonRetryable: true });
    throw err;
  }
}

// A missing value reads better as "is required" than zod's "expected string, received undefined".
const requiredMessage = (issue: z.core.$ZodRawIssue): string | undefined =>
  issue.input === undefined ? 'is required' : undefined;

function parseParams(tool: ToolDefinition, params: ToolParams): z.output<ToolObjectSchema> {
  const parsed = tool.params.safeParse(params, { error: requiredMessage });
  if (!parsed.success)
    throw ApplicationFailure.create({
      type: 'INVALID_PARAMETERS',
      message: formatIssues(parsed.error.issues),
      nonRetryable: true,
    });
  return parsed.data;
}

function parseOutputs(tool: ToolDefinition, outputs: unknown): ToolOutputs {
  const parsed = tool.outputs.safeParse(outputs, { error: requiredMessage });
  if (!parsed.success) {
    throw ApplicationFailure.create({
      type: 'INVALID_OUTPUT',
      message: `Tool '${tool.tool_id}' returned invalid outputs (a bug in the tool): ${formatIssues(parsed.error.issues)}`,
      nonRetryable: true,
    });
  }
  // Outputs cross Temporal as JSON: a field left undefined is simply absent.
  return parsed.data as Record<string, SchemaValue>;
}

/** `<path>: <rule>` for each problem, e.g. `input_file.file_id: is required`. */
function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * What the activity throws for an error: a cancelled attempt reports a cancellation
 * whatever the tool threw on its way out (often an AbortError); Temporal's own failures
 * pass through; a `ToolError` keeps its code and retryability; anything else is unexpected
 * and stays retryable, since we cannot tell it is permanent.
 */
export function activityFailure(err: unknown, toolId: string, signal: AbortSignal): Error {
  if (signal.aborted) {
    if (err instanceof CancelledFailure) return err;
    const reason: unknown = signal.reason;
    if (reason instanceof CancelledFailure) return reason;
    return new CancelledFailure(
      reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'Activity cancelled',
    );
  }
  if (err instanceof TemporalFailure) return err;
  if (err instanceof ToolError) {
    return ApplicationFailure.create({
      type: err.code,
      message: err.message,
      nonRetryable: !err.retryable,
      cause: err.cause instanceof Error ? err.cause : undefined,
    });
  }
  return ApplicationFailure.create({
    type: 'TOOL_FAILED',
    message: `Tool '${toolId}' failed: ${err instanceof Error ? err.message : String(err)}`,
    nonRetryable: false,
    cause: err instanceof Error ? err : undefined,
  });
}

function taggedLogger(base: ToolLogger, tags: Record<string, unknown>): ToolLogger {
  return {
    debug: (message, fields) => base.debug(message, { ...tags, ...fields }),
    info: (message, fields) => base.info(message, { ...tags, ...fields }),
    warn: (message, fields) => base.warn(message, { ...tags, ...fields }),
    error: (message, fields) => base.error(message, { ...tags, ...fields }),
  };
}

const SILENT_LOGGER: ToolLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
