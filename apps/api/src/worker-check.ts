import type { Client } from '@temporalio/client';
import proto, { type temporal as protoTypes } from '@temporalio/proto';

// A CommonJS module: Node's ESM loader hands over its namespace as the default export only.
const { temporal } = proto;

/**
 * How recently a worker must have polled to count as polling. Temporal records a poll when it
 * begins, and an idle worker's polls each wait about a minute (Temporal's long poll) before
 * the next begins, so a live worker's last poll is up to about 60 s old; one that stopped is
 * seen as gone after this window (Temporal itself keeps listing it for 5 minutes).
 */
export const WORKER_POLL_WINDOW_MS = 90_000;

/**
 * How long one answer of Temporal about a task queue is reused: `/ready` polled every second
 * costs Temporal two calls per this, and a tool listing of many tools on one queue one call.
 */
export const WORKER_CHECK_TTL_MS = 5_000;

/** How long one question to Temporal about a task queue may take before it counts as unanswered. */
export const DESCRIBE_TASK_QUEUE_DEADLINE_MS = 2_000;

/** What Temporal says of one poller (`DescribeTaskQueue`'s `pollers`). */
export interface PollerInfo {
  identity?: string | null;
  lastAccessTime?: { seconds?: number | string | { toNumber(): number } | null; nanos?: number | null } | null;
}

/** Which pollers of a task queue: workflow tasks (an Ordo worker's job workflows) or activity tasks (tools). */
export type TaskQueueKind = 'workflow' | 'activity';

/** A poller seen within {@link WORKER_POLL_WINDOW_MS}: its worker's identity and its last poll (ISO 8601). */
export interface RecentPoller {
  identity: string;
  last_access_time: string;
}

/**
 * Temporal's answer about one task queue's pollers, at `checked_at`: the ones seen within
 * {@link WORKER_POLL_WINDOW_MS} of then, or why Temporal could not be asked.
 */
export type PollerAnswer =
  { ok: true; pollers: RecentPoller[]; checked_at: string } | { ok: false; reason: string; checked_at: string };

/**
 * Whether a worker polls: some poller seen within {@link WORKER_POLL_WINDOW_MS} of `now` among
 * the workflow task queue's pollers, and one among the activity task queue's (an Ordo worker
 * polls both: a worker that runs no activities runs no tool).
 */
export function workerPolls(
  workflowPollers: readonly PollerInfo[],
  activityPollers: readonly PollerInfo[],
  now: number,
): boolean {
  return recentPollers(workflowPollers, now).length > 0 && recentPollers(activityPollers, now).length > 0;
}

/** The pollers seen within {@link WORKER_POLL_WINDOW_MS} of `now`, most recent first. */
export function recentPollers(pollers: readonly PollerInfo[], now: number): RecentPoller[] {
  return pollers
    .map((poller) => ({ poller, at: accessedAt(poller) }))
    .filter(({ at }) => now - at <= WORKER_POLL_WINDOW_MS)
    .sort((a, b) => b.at - a.at)
    .map(({ poller, at }) => ({ identity: poller.identity ?? '', last_access_time: new Date(at).toISOString() }));
}

function accessedAt(poller: PollerInfo): number {
  const time = poller.lastAccessTime;
  if (!time) return Number.NEGATIVE_INFINITY;
  // `seconds` is a protobuf int64: a Long, a number or a string depending on the decoder.
  const seconds =
    typeof time.seconds === 'object' && time.seconds !== null ? time.seconds.toNumber() : Number(time.seconds ?? 0);
  return seconds * 1000 + (time.nanos ?? 0) / 1e6;
}

const TASK_QUEUE_TYPES: Record<TaskQueueKind, protoTypes.api.enums.v1.TaskQueueType> = {
  workflow: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  activity: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
};

/**
 * Who polls which task queue, from Temporal's `DescribeTaskQueue` through the API's own
 * connection, each queue and kind asked at most once per {@link WORKER_CHECK_TTL_MS}:
 * concurrent questions share one call, and a failure to ask is an answer too (reused as long,
 * so an unreachable Temporal is not asked by every request). Shared by `/ready` and the tool
 * catalog's liveness.
 */
export class TaskQueuePollers {
  private readonly answers = new Map<string, { until: number; answer: Promise<PollerAnswer> }>();

  /**
   * @param now the clock poll times are compared with (a test may move it)
   */
  constructor(
    private readonly client: Client,
    private readonly now: () => Date = () => new Date(),
    private readonly deadlineMs = DESCRIBE_TASK_QUEUE_DEADLINE_MS,
  ) {}

  /** The recent pollers of `taskQueue`'s `kind` tasks, or why Temporal could not say. */
  pollers(taskQueue: string, kind: TaskQueueKind): Promise<PollerAnswer> {
    const at = performance.now();
    const key = `${kind}:${taskQueue}`;
    const cached = this.answers.get(key);
    if (cached && at < cached.until) return cached.answer;
    // Expired answers go as new ones come: the map holds only the queues asked of lately.
    for (const [k, v] of this.answers) if (at >= v.until) this.answers.delete(k);
    const answer = this.ask(taskQueue, kind);
    this.answers.set(key, { until: at + WORKER_CHECK_TTL_MS, answer });
    return answer;
  }

  private async ask(taskQueue: string, kind: TaskQueueKind): Promise<PollerAnswer> {
    try {
      const response = await this.client.withDeadline(Date.now() + this.deadlineMs, () =>
        this.client.workflowService.describeTaskQueue({
          namespace: this.client.options.namespace,
          taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType: TASK_QUEUE_TYPES[kind],
        }),
      );
      const now = this.now();
      return { ok: true, pollers: recentPollers(response.pollers, now.getTime()), checked_at: now.toISOString() };
    } catch (err) {
      const reason = `Temporal could not be asked who polls task queue '${taskQueue}': ${err instanceof Error ? err.message : String(err)}`;
      return { ok: false, reason, checked_at: this.now().toISOString() };
    }
  }
}

/**
 * A readiness check of the workers: whether a worker polls `taskQueue`'s workflow and activity
 * tasks (see {@link workerPolls}), from `pollers`' reused answers. Any failure to ask counts as
 * no worker (Temporal down is reported by its own check).
 */
export function workerCheck(pollers: TaskQueuePollers, taskQueue: string): () => Promise<boolean> {
  return async () => {
    const [workflow, activity] = await Promise.all([
      pollers.pollers(taskQueue, 'workflow'),
      pollers.pollers(taskQueue, 'activity'),
    ]);
    return workflow.ok && activity.ok && workflow.pollers.length > 0 && activity.pollers.length > 0;
  };
}
