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

/** How long one answer is reused: `/ready` polled every second costs Temporal two calls per this. */
export const WORKER_CHECK_TTL_MS = 5_000;

/** What Temporal says of one poller (`DescribeTaskQueue`'s `pollers`). */
export interface PollerInfo {
  lastAccessTime?: { seconds?: number | string | { toNumber(): number } | null; nanos?: number | null } | null;
}

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
  const recent = (pollers: readonly PollerInfo[]) => pollers.some((p) => now - accessedAt(p) <= WORKER_POLL_WINDOW_MS);
  return recent(workflowPollers) && recent(activityPollers);
}

function accessedAt(poller: PollerInfo): number {
  const time = poller.lastAccessTime;
  if (!time) return Number.NEGATIVE_INFINITY;
  // `seconds` is a protobuf int64: a Long, a number or a string depending on the decoder.
  const seconds =
    typeof time.seconds === 'object' && time.seconds !== null ? time.seconds.toNumber() : Number(time.seconds ?? 0);
  return seconds * 1000 + (time.nanos ?? 0) / 1e6;
}

/**
 * A readiness check of the workers: asks Temporal (`DescribeTaskQueue`, workflow and activity
 * types, within `deadlineMs`) who polls `taskQueue`, and answers from that for
 * {@link WORKER_CHECK_TTL_MS}; concurrent checks share one question. Any failure to ask counts
 * as no worker (Temporal down is reported by its own check).
 *
 * @param now the clock poll times are compared with (a test may move it)
 */
export function workerCheck(
  client: Client,
  taskQueue: string,
  deadlineMs: number,
  now: () => Date = () => new Date(),
): () => Promise<boolean> {
  let cached: { until: number; answer: Promise<boolean> } | undefined;
  const describe = async (type: protoTypes.api.enums.v1.TaskQueueType) => {
    const response = await client.withDeadline(Date.now() + deadlineMs, () =>
      client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: type,
      }),
    );
    return response.pollers;
  };
  const ask = async (): Promise<boolean> => {
    const [workflow, activity] = await Promise.all([
      describe(temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
      describe(temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY),
    ]);
    return workerPolls(workflow, activity, now().getTime());
  };
  return () => {
    const at = performance.now();
    if (!cached || at >= cached.until) cached = { until: at + WORKER_CHECK_TTL_MS, answer: ask().catch(() => false) };
    return cached.answer;
  };
}
