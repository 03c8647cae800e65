import { ApplicationFailure } from '@temporalio/common';
import {
  DEFAULT_INLINE_VALUE_LIMIT_BYTES,
  MissingValueError,
  resolveValueRecord,
  storeLargeValues,
  type BlobStore,
  type SchemaValue,
  type ToolParams,
} from '@ordo/core';
import type { ActivityAttemptSource, ProgressTiming } from '@ordo/tool-kit';
import {
  AttemptProgress,
  DEFAULT_PROGRESS_TIMING,
  parseOutputs,
  parseParameters,
  runAttempt,
  SILENT_LOGGER,
  taggedLogger,
  temporalActivityAttempt,
} from '@ordo/tool-kit/host';
import type { AttemptWatcher } from './tool-call';
import { isConfigurableTool, type ToolSettings } from './configurable-tool';
import type { FileReader } from './file-reader';
import { sharedToolThreads, type ThreadedTool, type ToolThreads } from './threads/tool-threads';
import type { ToolActivity } from './tool-call';
import type { ToolContext, ToolDefinition, ToolObjectSchema } from './tool-definition';
import type { ToolLogger } from './tool-definition';
import type { z } from 'zod';

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
    return runAttempt({ toolId: tool.tool_id, attempt, signal, log, progress }, async () => {
      const input = parseParameters(tool, await resolveParams(params, deps.blobs));
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
      // Checked against the tool's own schema, so every value is JSON (a SchemaValue).
      const outputs = parseOutputs(tool, await runTool(input, context)) as Record<string, SchemaValue>;
      return { outputs: await storeLargeValues(outputs, deps.blobs, inlineLimit), attempt };
    });
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

async function resolveParams(params: ToolParams, blobs: BlobStore): Promise<ToolParams> {
  try {
    return await resolveValueRecord(params, blobs);
  } catch (err) {
    if (err instanceof MissingValueError)
      throw ApplicationFailure.create({ type: 'VALUE_MISSING', message: err.message, nonRetryable: true });
    throw err;
  }
}
