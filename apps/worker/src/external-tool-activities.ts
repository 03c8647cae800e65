import { ApplicationFailure, Context } from '@temporalio/activity';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import {
  MissingValueError,
  storeLargeValues,
  type ExternalToolActivities,
  type StepAddress,
  type ToolDispatch,
  type ToolOutputs,
} from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';
import type { SchemaCheck } from '@ordo/tools';
import { ExternalToolInputError, type ExternalToolInput } from './external-tool-input';
import type { StepAttemptRecorder } from './step-attempt-recorder';

/**
 * How often the watcher reads Temporal's description of the run while an external tool runs:
 * every second while something changes (an attempt, a progress message), then less often, up
 * to `max`, for a tool that runs long and quietly (one DescribeWorkflowExecution call each).
 */
export const WATCH_INTERVAL_MS = { first: 1_000, max: 5_000 } as const;

/** History events read per page when looking for the attempt that ended an external activity. */
const HISTORY_PAGE_SIZE = 50;

/** What the activities around an external tool's step need. */
export interface ExternalToolDependencies {
  store: Pick<OrdoStore, 'tools' | 'blobs'>;
  connection: NativeConnection;
  namespace: string;
  recorder: StepAttemptRecorder;
  checkSchema: SchemaCheck;
  /** Makes an external tool's parameters plain JSON it can read over HTTP (files, large values, upload URLs). */
  prepare: ExternalToolInput;
  inlineLimitBytes: number;
}

/**
 * The Ordo activities around a step of a tool another worker serves (see
 * `packages/core/src/steps/external-tool-run.ts`): preparing its parameters, settling its
 * result (the outputs checked against the registered schema, stored by reference where
 * large, and the attempt that ended it read from the run's history), and watching it while it
 * runs, to record its attempts and heartbeat progress as Ordo's worker records a built-in tool's.
 */
export function createExternalToolActivities(deps: ExternalToolDependencies): ExternalToolActivities {
  const toolOf = async (dispatch: ToolDispatch) => {
    const tool = await deps.store.tools.get(dispatch.tool_id, dispatch.version);
    if (tool === undefined) throw new Error(`tool ${dispatch.tool_id} ${dispatch.version} is not in the catalog`);
    return tool;
  };
  return {
    async prepareExternalToolCall({ step, dispatch, params, valid_for_seconds }) {
      const tool = await toolOf(dispatch);
      try {
        return await deps.prepare.prepare(params, {
          jobId: step.job_id,
          parameters: tool.parameters,
          validForSeconds: valid_for_seconds,
        });
      } catch (err) {
        // Neither comes right by retrying: the step fails, naming why.
        if (err instanceof MissingValueError) throw ApplicationFailure.nonRetryable(err.message, 'VALUE_MISSING');
        if (err instanceof ExternalToolInputError) throw ApplicationFailure.nonRetryable(err.message, err.code);
        throw err;
      }
    },

    async settleExternalToolCall({ dispatch, activity_id, outputs }) {
      const attempt = await endingAttempt(deps, activity_id);
      if (outputs === undefined) return attempt === undefined ? {} : { attempt };
      const tool = await toolOf(dispatch);
      const problem = deps.checkSchema(tool.outputs, outputs);
      if (problem !== undefined) {
        return {
          ...(attempt !== undefined && { attempt }),
          error: {
            code: 'INVALID_OUTPUT',
            message: `Tool '${dispatch.tool_id}' ${dispatch.version} returned outputs that do not match its registered schema: ${problem}`,
          },
        };
      }
      // A file the tool passes on keeps no URL signed for its call: the job's values outlive it.
      const stored: ToolOutputs = await storeLargeValues(
        withoutContentUrls(outputs) as ToolOutputs,
        deps.store.blobs,
        deps.inlineLimitBytes,
      );
      return { outputs: stored, ...(attempt !== undefined && { attempt }) };
    },

    async watchExternalToolCall({ step, dispatch, activity_id }) {
      const watch = new AttemptWatch(deps.recorder, step, dispatch);
      const context = Context.current();
      const { workflowId, runId } = calledBy(context);
      let interval: number = WATCH_INTERVAL_MS.first;
      for (;;) {
        context.heartbeat();
        const described = await deps.connection.workflowService.describeWorkflowExecution({
          namespace: deps.namespace,
          execution: { workflowId, runId },
        });
        const pending = described.pendingActivities?.find((activity) => activity.activityId === activity_id);
        const changed = pending !== undefined && (await watch.saw(pending));
        interval = changed ? WATCH_INTERVAL_MS.first : Math.min(interval * 1.5, WATCH_INTERVAL_MS.max);
        // Throws once the workflow cancels the watch (the tool's activity has ended).
        await context.sleep(interval);
      }
    },
  };
}

/** The workflow execution that scheduled the running activity. */
function calledBy(context: Context): { workflowId: string; runId: string } {
  const execution: { workflowId: string; runId: string } | undefined = context.info.workflowExecution;
  if (execution === undefined) throw new Error('an external tool step activity runs only for a workflow');
  return execution;
}

type PendingActivity = NonNullable<
  Awaited<ReturnType<NativeConnection['workflowService']['describeWorkflowExecution']>>['pendingActivities']
>[number];

/** Pending activity states, as Temporal's API numbers them. */
const PENDING_STATE = { SCHEDULED: 1, STARTED: 2 } as const;

/** What the watcher has recorded of one external step's attempts, so each fact is written once. */
class AttemptWatch {
  private attempt = 0;
  private startedAt: string | undefined;
  /** The progress last recorded (a new fraction under the same message is new too). */
  private message: { text: string; fraction?: number } | undefined;

  constructor(
    private readonly recorder: StepAttemptRecorder,
    private readonly step: StepAddress,
    private readonly dispatch: ToolDispatch,
  ) {}

  /** Records what is new in the pending activity's description; answers whether anything was. */
  async saw(pending: PendingActivity): Promise<boolean> {
    const attempt = pending.attempt ?? 1;
    const now = new Date().toISOString();
    const newAttempt = attempt > this.attempt;
    if (newAttempt) {
      // A retry: the attempt before it failed (Temporal keeps its failure as the pending activity's last).
      const failure = pending.lastFailure;
      if (this.attempt > 0 && failure)
        await this.recorder.failed(
          this.step,
          attempt - 1,
          { code: failure.applicationFailureInfo?.type || 'TOOL_FAILED', message: failure.message ?? '' },
          true,
          this.startedAt ?? now,
          now,
        );
      this.attempt = attempt;
      this.startedAt = timestampOf(pending.lastStartedTime) ?? now;
      this.message = undefined;
      await this.recorder.started(this.step, attempt, this.startedAt);
    }
    const message =
      Number(pending.state) === PENDING_STATE.SCHEDULED
        ? this.waitingMessage(pending, attempt)
        : progressOf(pending.heartbeatDetails?.payloads?.[0]);
    if (message === undefined || (message.text === this.message?.text && message.fraction === this.message.fraction))
      return newAttempt;
    this.message = message;
    await this.recorder.progress(this.step, attempt, message.text, message.fraction, now);
    return true;
  }

  /** An attempt not started yet: a retry waiting out its backoff, or no worker polling the tool's queue. */
  private waitingMessage(pending: PendingActivity, attempt: number): { text: string; fraction?: number } {
    const retryAt = timestampOf(pending.nextAttemptScheduleTime);
    if (attempt > 1 && retryAt !== undefined && retryAt > new Date().toISOString())
      return {
        text: `Attempt ${attempt - 1} failed (${pending.lastFailure?.message ?? 'no message'}); attempt ${attempt} at ${retryAt}`,
      };
    return {
      text: `Waiting for a worker of tool '${this.dispatch.tool_id}' on task queue '${this.dispatch.task_queue}'`,
    };
  }
}

/** The progress convention: heartbeat details `{ message, fraction }` (a bare string is a message). */
function progressOf(payload: Payload | undefined): { text: string; fraction?: number } | undefined {
  if (payload === undefined) return undefined;
  let details: unknown;
  try {
    details = defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined;
  }
  if (typeof details === 'string') return { text: details };
  if (typeof details !== 'object' || details === null) return undefined;
  const { message, fraction } = details as { message?: unknown; fraction?: unknown };
  if (typeof message !== 'string') return undefined;
  return typeof fraction === 'number' && fraction >= 0 && fraction <= 1
    ? { text: message, fraction }
    : { text: message };
}

function timestampOf(time: { seconds?: unknown; nanos?: number | null } | null | undefined): string | undefined {
  if (!time || time.seconds === undefined || time.seconds === null) return undefined;
  const ms = Number(time.seconds) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
  return ms > 0 ? new Date(ms).toISOString() : undefined;
}

/**
 * The attempt that ended an external activity, from the run's history read backwards: the
 * scheduled event with its activity ID, the event that ended it, and that attempt's start.
 * Undefined when no attempt started (no worker took it).
 */
async function endingAttempt(
  deps: Pick<ExternalToolDependencies, 'connection' | 'namespace'>,
  activityId: string,
): Promise<number | undefined> {
  const { workflowId, runId } = calledBy(Context.current());
  const startedBy = new Map<string, number>(); // started event id → attempt
  const endedBy = new Map<string, string>(); // scheduled event id → started event id
  let pageToken: Uint8Array | undefined;
  do {
    const page = await deps.connection.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: deps.namespace,
      execution: { workflowId, runId },
      maximumPageSize: HISTORY_PAGE_SIZE,
      ...(pageToken !== undefined && { nextPageToken: pageToken }),
    });
    for (const event of page.history?.events ?? []) {
      const id = String(event.eventId);
      const ended =
        event.activityTaskCompletedEventAttributes ??
        event.activityTaskFailedEventAttributes ??
        event.activityTaskTimedOutEventAttributes ??
        event.activityTaskCanceledEventAttributes;
      if (ended) endedBy.set(String(ended.scheduledEventId), String(ended.startedEventId));
      const started = event.activityTaskStartedEventAttributes;
      if (started) startedBy.set(id, started.attempt ?? 1);
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityId === activityId) {
        const startedId = endedBy.get(id);
        return startedId === undefined ? undefined : startedBy.get(startedId);
      }
    }
    pageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (pageToken !== undefined);
  return undefined;
}

/** A value with the `content_url` of every FileValue in it (at any depth) left out. */
function withoutContentUrls(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(withoutContentUrls);
  const entries = Object.entries(value as Record<string, unknown>);
  const isFile = 'file_id' in value;
  return Object.fromEntries(
    entries.filter(([key]) => !(isFile && key === 'content_url')).map(([key, v]) => [key, withoutContentUrls(v)]),
  );
}
