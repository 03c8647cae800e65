import type { Client } from '@temporalio/client';

/** The times of one tool step, read from its run's history (ms, Temporal's event times). */
export interface StepTimes {
  /** From the step's tool activity scheduled to the next step's (a whole step's cycle); undefined for the last step. */
  step_ms?: number;
  /** Scheduled → started: the wait on the task queue until a worker took the attempt. */
  queue_ms: number;
  /** Started → completed: the attempt, as Temporal saw it. */
  run_ms: number;
  /** Completed → the next step's scheduling (or the run's completion): the workflow's turn between steps. */
  after_ms: number;
  /** Completed → the next workflow task started: the part of `after_ms` before the workflow runs. */
  wake_ms: number;
}

/** A run's tool steps and how many history events of each type it has. */
export interface RunSteps {
  steps: StepTimes[];
  /** Each workflow task, started → completed (ms): the workflow's code and the local activities it ran. */
  workflow_task_ms: number[];
  /**
   * Each local activity's time by its type (ms): from the workflow task's start, or the
   * previous local activity's completion in the same task, to its completion (its marker's
   * `complete_time`), so the first of a task also counts the workflow code before it.
   */
  local_activity_ms: Record<string, number[]>;
  events: number;
  by_type: Record<string, number>;
}

/** The parts of a history event (as the SDK's client decodes it) this module reads. */
export interface HistoryEvent {
  eventId?: unknown;
  eventTime?: { seconds?: unknown; nanos?: number | null } | null;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown } | null;
  workflowExecutionCompletedEventAttributes?: unknown;
  workflowTaskStartedEventAttributes?: unknown;
  workflowTaskCompletedEventAttributes?: unknown;
  markerRecordedEventAttributes?: {
    details?: Record<string, { payloads?: { data?: Uint8Array | null }[] | null }> | null;
  } | null;
  [key: string]: unknown;
}

/** A protobuf int64 (a Long, a number or a string) as a number. */
function int(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (value !== null && typeof value === 'object' && 'toNumber' in value)
    return (value as { toNumber(): number }).toNumber();
  return Number.NaN;
}

/** A local activity's marker: its type and completion time (the SDK's JSON of the marker's `data`), if it is one. */
function localActivityMark(event: HistoryEvent): { type: string; at: number } | undefined {
  const data = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
  if (data == null) return undefined;
  try {
    const mark = JSON.parse(Buffer.from(data).toString('utf8')) as {
      activity_type?: string;
      complete_time?: { seconds?: unknown; nanos?: number };
    };
    if (mark.activity_type === undefined || mark.complete_time === undefined) return undefined;
    return {
      type: mark.activity_type,
      at: int(mark.complete_time.seconds) * 1000 + (mark.complete_time.nanos ?? 0) / 1e6,
    };
  } catch {
    return undefined;
  }
}

function timeMs(event: HistoryEvent): number {
  return int(event.eventTime?.seconds) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
}

/** Reads a run's history and times its steps: see {@link runStepsOf}. */
export async function readRunSteps(
  client: Client,
  workflowId: string,
  runId: string | undefined,
  activityType: string,
): Promise<RunSteps> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return runStepsOf((history.events ?? []) as HistoryEvent[], activityType);
}

/**
 * Times each call of the activity `activityType` (a step's tool) in a run's history events:
 * its wait on the queue, its run, and the workflow's turn after it. An event's type is the
 * one `…EventAttributes` field it carries.
 */
export function runStepsOf(events: readonly HistoryEvent[], activityType: string): RunSteps {
  const byType: Record<string, number> = {};
  const scheduled: { id: number; at: number }[] = [];
  const started = new Map<number, number>();
  const completed = new Map<number, number>();
  let end = Number.NaN;
  const workflowTasks: number[] = [];
  const locals: Record<string, number[]> = {};
  let taskStarted = Number.NaN;
  let lastMark = Number.NaN;
  const woken = new Map<number, number>(); // scheduled event id → the next workflow task's start
  for (const event of events) {
    const key = Object.keys(event).find((k) => k.endsWith('EventAttributes') && event[k] != null) ?? 'unknown';
    const type = key.replace(/EventAttributes$/, '');
    byType[type] = (byType[type] ?? 0) + 1;
    const at = timeMs(event);
    if (event.activityTaskScheduledEventAttributes?.activityType?.name === activityType)
      scheduled.push({ id: int(event.eventId), at });
    else if (event.activityTaskStartedEventAttributes)
      started.set(int(event.activityTaskStartedEventAttributes.scheduledEventId), at);
    else if (event.activityTaskCompletedEventAttributes)
      completed.set(int(event.activityTaskCompletedEventAttributes.scheduledEventId), at);
    else if (event.workflowExecutionCompletedEventAttributes != null) end = at;
    else if (event.workflowTaskStartedEventAttributes != null) {
      taskStarted = lastMark = at;
      for (const id of completed.keys()) if (!woken.has(id)) woken.set(id, at);
    } else if (event.workflowTaskCompletedEventAttributes != null) workflowTasks.push(at - taskStarted);
    else if (event.markerRecordedEventAttributes != null) {
      const mark = localActivityMark(event);
      if (mark !== undefined) {
        (locals[mark.type] ??= []).push(mark.at - lastMark);
        lastMark = mark.at;
      }
    }
  }
  const steps = scheduled.map(({ id, at }, i): StepTimes => {
    const next = scheduled[i + 1]?.at;
    const startedAt = started.get(id) ?? Number.NaN;
    const completedAt = completed.get(id) ?? Number.NaN;
    return {
      ...(next !== undefined && { step_ms: next - at }),
      queue_ms: startedAt - at,
      run_ms: completedAt - startedAt,
      after_ms: (next ?? end) - completedAt,
      wake_ms: (woken.get(id) ?? Number.NaN) - completedAt,
    };
  });
  return { steps, workflow_task_ms: workflowTasks, local_activity_ms: locals, events: events.length, by_type: byType };
}
