import type { WorkflowHandle } from '@temporalio/client';

/** One event of a history as the client fetches it. */
export type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];
type Timestamp = { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined;

/** Milliseconds since the epoch of a protobuf timestamp (0 when absent). */
export function timeOf(ts: Timestamp): number {
  if (!ts) return 0;
  return Number(ts.seconds?.toString() ?? 0) * 1000 + (ts.nanos ?? 0) / 1e6;
}

/** Whole seconds of a protobuf duration, for reading (`15s`). */
function secondsOf(d: Timestamp): string {
  return d ? `${Number(d.seconds?.toString() ?? 0) + (d.nanos ?? 0) / 1e9}s` : '-';
}

// Temporal's enums as their protobuf numbers name them.
const QUEUE_KINDS: Record<number, string> = { 1: 'normal', 2: 'sticky' };
const TIMEOUT_TYPES: Record<number, string> = {
  1: 'start-to-close',
  2: 'schedule-to-start',
  3: 'schedule-to-close',
  4: 'heartbeat',
};

/**
 * One event of a history as a line to read: its time in seconds from `origin` (a fault), its
 * type and what tells where the work went: the task queue's kind, the worker's identity, the
 * attempt, the timeouts and what timed out.
 */
export function describeEvent(event: HistoryEvent, origin: number): string {
  const at = ((timeOf(event.eventTime) - origin) / 1000).toFixed(2).padStart(7);
  const type = Object.keys(event).find((k) => k.endsWith('EventAttributes') && event[k as keyof HistoryEvent]);
  const name = type?.replace(/EventAttributes$/, '') ?? 'event';
  let detail = '';
  if (event.workflowTaskScheduledEventAttributes) {
    const a = event.workflowTaskScheduledEventAttributes;
    detail = `${QUEUE_KINDS[a.taskQueue?.kind ?? 0] ?? a.taskQueue?.kind} queue, attempt ${a.attempt ?? 1}`;
  } else if (event.workflowTaskStartedEventAttributes) {
    detail = `by ${event.workflowTaskStartedEventAttributes.identity ?? '?'}`;
  } else if (event.workflowTaskCompletedEventAttributes) {
    detail = `by ${event.workflowTaskCompletedEventAttributes.identity ?? '?'}`;
  } else if (event.workflowTaskTimedOutEventAttributes) {
    detail =
      TIMEOUT_TYPES[Number(event.workflowTaskTimedOutEventAttributes.timeoutType)] ??
      String(event.workflowTaskTimedOutEventAttributes.timeoutType);
  } else if (event.workflowTaskFailedEventAttributes) {
    detail = `${String(event.workflowTaskFailedEventAttributes.cause)} by ${event.workflowTaskFailedEventAttributes.identity ?? '?'}`;
  } else if (event.activityTaskScheduledEventAttributes) {
    const a = event.activityTaskScheduledEventAttributes;
    detail = `${a.activityType?.name ?? '?'}, heartbeat timeout ${secondsOf(a.heartbeatTimeout)}, start-to-close ${secondsOf(a.startToCloseTimeout)}`;
  } else if (event.activityTaskStartedEventAttributes) {
    const a = event.activityTaskStartedEventAttributes;
    detail = `attempt ${a.attempt ?? 1} by ${a.identity ?? '?'}${a.lastFailure ? `, after: ${a.lastFailure.message ?? ''}` : ''}`;
  } else if (event.activityTaskCompletedEventAttributes) {
    detail = `by ${event.activityTaskCompletedEventAttributes.identity ?? '?'}`;
  } else if (event.activityTaskTimedOutEventAttributes) {
    detail = event.activityTaskTimedOutEventAttributes.failure?.message ?? '';
  } else if (event.activityTaskFailedEventAttributes) {
    detail = event.activityTaskFailedEventAttributes.failure?.message ?? '';
  }
  return `${at} s  #${String(event.eventId)} ${name}${detail ? `: ${detail}` : ''}`;
}

/** A history as lines (see {@link describeEvent}), from `origin`. */
export function describeHistory(events: readonly HistoryEvent[], origin: number): string[] {
  return events.map((e) => describeEvent(e, origin));
}
