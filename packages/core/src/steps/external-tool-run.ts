import {
  ActivityCancellationType,
  CancellationScope,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  sleep,
} from '@temporalio/workflow';
import type { ToolParams } from '../schemas/activity-contract';
import type { ExternalToolActivities } from '../schemas/external-tool-contract';
import type { ToolStep } from '../schemas/step-definition';
import type { ToolDispatch } from '../schemas/tool-descriptor';
import type { StepExecution, StepOutcome } from './step-type';
import { toolActivityOptions, type ToolRunOptions } from './tool-run-options';

/** What the tool step gives back to this module: its outcome mapping and its failure reading. */
export interface ExternalRunHooks {
  outcome(outputs: Record<string, unknown>, attempt: number | undefined): StepOutcome;
  failure(err: unknown): { error: { code: string; message: string }; attempt?: number };
}

/**
 * How long a step that finishes sooner runs without a watcher: most tool calls end within it,
 * and then cost no activity of Ordo's beside the tool's own.
 */
export const WATCH_AFTER_MS = 1_000;

/** Shortest lifetime of the URLs a step's parameters carry, whatever its timeouts (seconds). */
const MIN_URL_LIFETIME_SECONDS = 600;

// Ordo's own database and blob store, next to the worker: local activities, retried as the run store's are.
const local = proxyLocalActivities<ExternalToolActivities>({
  startToCloseTimeout: '60 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 seconds' },
});

// The watcher lives as long as the step (days, if it waits for a worker): heartbeats tell a dead watcher's worker.
const watcher = proxyActivities<ExternalToolActivities>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
  cancellationType: ActivityCancellationType.TRY_CANCEL,
  summary: 'Ordo: follows the tool',
});

/**
 * Runs a tool step on a tool that Ordo's worker does not serve: its activity is scheduled on
 * the tool's task queue under its activity type, with exactly one argument, the parameters
 * object (files and large values made readable over HTTP first, when there are any), and
 * returns the outputs object. The tool knows nothing of Ordo: the workflow records the step
 * (as it does any step no activity recorded), a watcher activity records its attempts and
 * progress while it runs longer than `WATCH_AFTER_MS`, and a local activity checks the
 * outputs against the tool's registered schema and finds the attempt that ended it.
 */
export async function runExternalTool(
  step: ToolStep,
  ctx: StepExecution,
  dispatch: ToolDispatch,
  options: ToolRunOptions,
  params: ToolParams,
  hooks: ExternalRunHooks,
): Promise<StepOutcome> {
  const activityId = `${ctx.index}:${step.step_id}`;
  let prepared = params;
  if (needsPreparation(params, dispatch)) {
    try {
      prepared = await local.prepareExternalToolCall({
        step: ctx.address,
        dispatch,
        params,
        valid_for_seconds: Math.max(MIN_URL_LIFETIME_SECONDS, stepBudgetSeconds(options)),
      });
    } catch (err) {
      // A stored value gone, or no key to sign a URL with: the tool is never called.
      if (isCancellation(err)) throw err;
      return { status: 'Failed', error: hooks.failure(err).error, attempt: 0 };
    }
  }
  const tool = proxyActivities<Record<string, (params: ToolParams) => Promise<Record<string, unknown>>>>({
    taskQueue: dispatch.task_queue,
    activityId,
    ...toolActivityOptions(options),
    summary: `${step.step_id}: ${step.name ?? step.tool.name} (${dispatch.tool_id} ${dispatch.version} on ${dispatch.task_queue})`,
  });
  const call = tool[dispatch.activity_type];
  if (call === undefined) throw new Error(`no activity proxy for '${dispatch.activity_type}'`);

  const watch = new CancellationScope();
  const watched = watch
    .run(async () => {
      await sleep(WATCH_AFTER_MS);
      await watcher.watchExternalToolCall({
        step: ctx.address,
        dispatch,
        activity_id: activityId,
        max_attempts: options.retry.maximum_attempts,
      });
    })
    // The watcher only records what it sees: its end, failure or cancellation never fails the step.
    .catch(() => undefined);

  let outputs: Record<string, unknown>;
  try {
    outputs = await call(prepared);
  } catch (err) {
    watch.cancel();
    await watched;
    if (isCancellation(err)) throw err;
    const failure = hooks.failure(err);
    const settled = await local.settleExternalToolCall({ step: ctx.address, dispatch, activity_id: activityId });
    return {
      status: 'Failed',
      error:
        failure.error.code === 'NO_WORKER'
          ? {
              code: 'NO_WORKER',
              message: `No worker of tool '${dispatch.tool_id}' ${dispatch.version} on task queue '${dispatch.task_queue}' took the step within ${options.schedule_to_start_timeout_seconds ?? '?'} s`,
            }
          : failure.error,
      ...(settled.attempt !== undefined && { attempt: settled.attempt }),
    };
  }
  watch.cancel();
  await watched;
  const settled = await local.settleExternalToolCall({
    step: ctx.address,
    dispatch,
    activity_id: activityId,
    outputs: outputs as ToolParams,
  });
  if (settled.error !== undefined || settled.outputs === undefined)
    return {
      status: 'Failed',
      error: settled.error ?? { code: 'INVALID_OUTPUT', message: `Tool '${dispatch.tool_id}' returned no outputs` },
      ...(settled.attempt !== undefined && { attempt: settled.attempt }),
    };
  return hooks.outcome(settled.outputs, settled.attempt);
}

/** Whether the parameters carry anything Ordo must make readable first: a stored value, a file, a parameter Ordo fills. */
function needsPreparation(params: ToolParams, dispatch: ToolDispatch): boolean {
  return dispatch.filled_parameters.length > 0 || Object.values(params).some(holdsReference);
}

function holdsReference(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(holdsReference);
  if ('$ref' in value || 'file_id' in value) return true;
  return Object.values(value).some(holdsReference);
}

/** The longest a step's attempts can take: each attempt's timeout plus the backoff between them (seconds). */
function stepBudgetSeconds(options: ToolRunOptions): number {
  const { maximum_attempts, initial_interval_ms, backoff_coefficient, maximum_interval_ms } = options.retry;
  const attempts = maximum_attempts === 0 ? 10 : maximum_attempts;
  let backoffMs = 0;
  for (let i = 0, interval = initial_interval_ms; i < attempts - 1; i++) {
    backoffMs += Math.min(interval, maximum_interval_ms);
    interval *= backoff_coefficient;
  }
  return attempts * (options.timeout_seconds + (options.schedule_to_start_timeout_seconds ?? 0)) + backoffMs / 1000;
}
