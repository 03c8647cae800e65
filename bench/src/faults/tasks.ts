import { timeOf, type HistoryEvent } from './timeline';

/**
 * One piece of a run's work as Temporal handed it to workers: an activity (all its attempts)
 * or a workflow task (with the tasks that replaced it after a timeout or failure), from when
 * it was first scheduled to when the attempt that went through started.
 */
export interface RunTask {
  /** For reading: `step 0 (pdf_extractor) attempt 2`, `workflow task #44 (schedule-to-start timeout)`. */
  what: string;
  kind: 'activity' | 'workflow task';
  scheduled_at: number;
  /** When the attempt that went through started (Temporal records only that one of an activity); undefined: none yet. */
  started_at?: number;
  /** Every start Temporal recorded and by which worker: a workflow task's lost attempts too; an activity's last attempt, and the earlier ones seen pending. */
  starts: { at: number; by: string }[];
  /** A workflow task that timed out or failed and was scheduled again, or an activity past attempt 1. */
  retried: boolean;
  /** An activity's heartbeat timeout, in seconds. */
  heartbeat_s?: number;
  /** The workers a workflow task was lost on before it went through: the one that started it, or whose sticky queue it waited on. */
  lost_on: string[];
}

/** `TASK_QUEUE_KIND_STICKY`: a worker's own queue for the workflows it caches. */
const STICKY = 2;
const TIMEOUT_TYPES: Record<number, string> = {
  1: 'start-to-close',
  2: 'schedule-to-start',
  3: 'schedule-to-close',
  4: 'heartbeat',
};

/** An activity attempt's start as Temporal reported it while the attempt was pending (see `AttemptWatch`). */
export interface AttemptStart {
  attempt: number;
  at: number;
  by: string;
}

/**
 * The tasks of one execution's history, in the order they were scheduled. `earlierStarts`
 * adds, per activity ID, starts of attempts the history does not keep (it records only an
 * activity's last attempt): without them, a step whose attempt 2 started on a live worker and
 * died with the next kill looks as if it waited from the first kill to attempt 3.
 */
export function tasksOf(
  events: readonly HistoryEvent[],
  stepOf: (scheduled: HistoryEvent) => number | undefined,
  earlierStarts: (activityId: string) => readonly AttemptStart[] = () => [],
): RunTask[] {
  const tasks: RunTask[] = [];
  const activities = new Map<number, RunTask>();
  let workflowTask: (RunTask & { id: number; lost: string[]; sticky: boolean; started_by?: string }) | undefined;
  // The worker that caches the workflow, whose sticky queue its next workflow task goes to.
  let cachedOn: string | undefined;
  for (const event of events) {
    const at = timeOf(event.eventTime);
    const id = Number(event.eventId ?? 0);
    if (event.workflowTaskScheduledEventAttributes) {
      workflowTask ??= {
        what: '',
        kind: 'workflow task',
        scheduled_at: at,
        starts: [],
        retried: false,
        lost_on: [],
        id,
        lost: [],
        sticky: false,
      };
      workflowTask.sticky = Number(event.workflowTaskScheduledEventAttributes.taskQueue?.kind) === STICKY;
    } else if (event.workflowTaskStartedEventAttributes && workflowTask) {
      workflowTask.started_at = at;
      workflowTask.started_by = event.workflowTaskStartedEventAttributes.identity ?? undefined;
      workflowTask.starts.push({ at, by: workflowTask.started_by ?? '?' });
    } else if ((event.workflowTaskTimedOutEventAttributes || event.workflowTaskFailedEventAttributes) && workflowTask) {
      // The task is scheduled again (on the normal queue): the same piece of work, retried.
      const timeout = event.workflowTaskTimedOutEventAttributes?.timeoutType;
      const type =
        timeout !== undefined && timeout !== null ? (TIMEOUT_TYPES[Number(timeout)] ?? String(timeout)) : undefined;
      workflowTask.lost.push(type !== undefined ? `${type} timeout` : 'failed');
      const on = type === 'schedule-to-start' && workflowTask.sticky ? cachedOn : workflowTask.started_by;
      if (on !== undefined) workflowTask.lost_on.push(on);
      workflowTask.retried = true;
      delete workflowTask.started_at;
      delete workflowTask.started_by;
    } else if (event.workflowTaskCompletedEventAttributes && workflowTask) {
      cachedOn = event.workflowTaskCompletedEventAttributes.identity ?? undefined;
      tasks.push(closeWorkflowTask(workflowTask));
      workflowTask = undefined;
    } else if (event.activityTaskScheduledEventAttributes) {
      const a = event.activityTaskScheduledEventAttributes;
      const step = stepOf(event);
      const task: RunTask = {
        what: `${step === undefined ? 'activity' : `step ${step}`} (${a.activityType?.name ?? '?'})`,
        kind: 'activity',
        scheduled_at: at,
        starts: earlierStarts(a.activityId ?? '').map(({ at: startedAt, by }) => ({ at: startedAt, by })),
        retried: false,
        lost_on: [],
        heartbeat_s: Number(a.heartbeatTimeout?.seconds?.toString() ?? 0) || undefined,
      };
      activities.set(id, task);
      tasks.push(task);
    } else if (event.activityTaskStartedEventAttributes) {
      const a = event.activityTaskStartedEventAttributes;
      const task = activities.get(Number(a.scheduledEventId ?? 0));
      if (task) {
        task.started_at = at;
        // Attempts the watch saw are earlier ones (the last is this); kept in order of time.
        task.starts = [...task.starts.filter((s) => s.at < at), { at, by: a.identity ?? '?' }];
        task.retried = (a.attempt ?? 1) > 1;
        task.what += ` attempt ${a.attempt ?? 1}`;
      }
    }
  }
  if (workflowTask) {
    // Never completed: an attempt that started went nowhere (or has not yet).
    delete workflowTask.started_at;
    tasks.push(closeWorkflowTask(workflowTask));
  }
  return tasks;
}

function closeWorkflowTask(
  task: RunTask & { id: number; lost: string[]; sticky: boolean; started_by?: string },
): RunTask {
  const { id, lost, sticky: _sticky, started_by: _startedBy, ...rest } = task;
  return { ...rest, what: `workflow task #${id}${lost.length > 0 ? ` (${lost.join(', ')})` : ''}` };
}

/** A worker's death that a task may have waited on: the kill, and the worker's identity. */
export interface WorkerKill {
  end: number;
  worker_identity?: string;
}

/**
 * How long a task waited because of each worker's death that held it up: from the kill (for
 * a task pending then) or from its scheduling (for one handed to the dead worker afterwards,
 * which lost it) until it next started on another worker, or `now` if it has not. A task
 * pending at no kill, or lost after one on a live worker, waited on no dead worker.
 */
export function waitsOnDeadWorkers<F extends WorkerKill>(
  task: RunTask,
  kills: readonly F[],
  now: number,
): { fault: F; wait_ms: number }[] {
  const through = task.started_at ?? Infinity;
  const resumed = (after: number, dead: string | undefined): number =>
    task.starts.find((s) => s.at > after && s.by !== dead)?.at ?? now;
  const waits = kills
    .filter((k) => task.scheduled_at <= k.end && k.end < through)
    .map((k) => ({ fault: k, wait_ms: resumed(k.end, k.worker_identity) - k.end }));
  if (waits.length > 0 || !task.retried) return waits;
  // Scheduled after a kill and lost to the dead worker: a workflow task on its sticky queue
  // (or started by its poll as it died); an activity attempt its poll took (Temporal keeps
  // no record of a lost attempt's worker, so any activity retried after a kill counts).
  const after = kills.filter((k) => k.end <= task.scheduled_at).sort((a, b) => b.end - a.end)[0];
  if (!after || (task.kind === 'workflow task' && !task.lost_on.some((w) => w === after.worker_identity))) return [];
  return [{ fault: after, wait_ms: resumed(task.scheduled_at, after.worker_identity) - task.scheduled_at }];
}
