/**
 * Reading Temporal's side of the runs: open executions by visibility, and every execution's
 * history folded into chains (one per Ordo run, across continue-as-new), since Temporal's
 * record, not the API's, shows steps run twice and when a run moved again.
 */
import type { Client } from '@temporalio/client';
import { tasksOf, type AttemptStart, type RunTask } from './tasks';
import { timeOf, type HistoryEvent } from './timeline';

/** One Ordo run as Temporal recorded it: a chain of executions continued as new, from its first. */
export interface Chain {
  job_id: string;
  /** The chain's first execution's run ID: Ordo's run ID. */
  run_id: string;
  started_at: number;
  /** When its last execution closed, if it has. */
  closed_at?: number;
  /** The last execution's status name (RUNNING, COMPLETED, …). */
  status: string;
  /** Times of the events that show the run moving: workflow tasks completed, activities started or completed, executions started or closed. */
  progress: number[];
  /** Per step index: activities scheduled, how many were scheduled after one completed, completions, and the last attempt Temporal recorded. */
  steps: Map<number, { scheduled: number; scheduled_after_completion: number; completed: number; attempt: number }>;
  /** Tool activities that completed. */
  completed_activities: number;
  /** The work Temporal handed to workers, every execution's (see {@link tasksOf}). */
  tasks: RunTask[];
  /** Each execution's events, in the chain's order of reading. */
  executions: { run_id: string; events: HistoryEvent[] }[];
}

/** How many executions on the task queue are still running, by Temporal's visibility. */
export async function openExecutions(client: Client, taskQueue: string): Promise<number> {
  const { count } = await client.workflow.count(`TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`);
  return count;
}

/** Every Ordo run on the task queue, each a chain of executions read from Temporal's histories. */
export async function readChains(
  client: Client,
  taskQueue: string,
  earlierStarts: (runId: string, activityId: string) => readonly AttemptStart[],
): Promise<Chain[]> {
  const executions: { workflowId: string; runId: string; status: string }[] = [];
  for await (const execution of client.workflow.list({ query: `TaskQueue = "${taskQueue}"` })) {
    executions.push({ workflowId: execution.workflowId, runId: execution.runId, status: execution.status.name });
  }
  const chains = new Map<string, Chain>();
  const read = async (e: (typeof executions)[number]): Promise<void> => {
    const history = await client.workflow.getHandle(e.workflowId, e.runId).fetchHistory();
    const events = history.events ?? [];
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    const firstRunId = started?.firstExecutionRunId || e.runId;
    const key = `${e.workflowId}|${firstRunId}`;
    const chain: Chain = chains.get(key) ?? {
      job_id: e.workflowId,
      run_id: firstRunId,
      started_at: Infinity,
      status: 'RUNNING',
      progress: [],
      steps: new Map(),
      completed_activities: 0,
      tasks: [],
      executions: [],
    };
    chains.set(key, chain);
    chain.executions.push({ run_id: e.runId, events });
    chain.tasks.push(
      ...tasksOf(
        events,
        (scheduled) => stepIndexOf(scheduled.activityTaskScheduledEventAttributes?.input?.payloads?.[0]?.data),
        (activityId) => earlierStarts(e.runId, activityId),
      ),
    );
    const stepOf = new Map<number, number>();
    let closedAt: number | undefined;
    for (const event of events) {
      const at = timeOf(event.eventTime);
      const id = Number(event.eventId ?? 0);
      if (event.workflowExecutionStartedEventAttributes) {
        if (!started?.continuedExecutionRunId) chain.started_at = Math.min(chain.started_at, at);
        chain.progress.push(at);
      } else if (event.activityTaskScheduledEventAttributes) {
        const index = stepIndexOf(event.activityTaskScheduledEventAttributes.input?.payloads?.[0]?.data);
        if (index === undefined) continue;
        stepOf.set(id, index);
        const step = chain.steps.get(index) ?? {
          scheduled: 0,
          scheduled_after_completion: 0,
          completed: 0,
          attempt: 0,
        };
        step.scheduled++;
        if (step.completed > 0) step.scheduled_after_completion++;
        chain.steps.set(index, step);
      } else if (event.activityTaskCompletedEventAttributes) {
        chain.progress.push(at);
        const index = stepOf.get(Number(event.activityTaskCompletedEventAttributes.scheduledEventId ?? 0));
        if (index === undefined) continue;
        chain.completed_activities++;
        chain.steps.get(index)!.completed++;
      } else if (event.activityTaskStartedEventAttributes) {
        chain.progress.push(at);
        const index = stepOf.get(Number(event.activityTaskStartedEventAttributes.scheduledEventId ?? 0));
        const step = index === undefined ? undefined : chain.steps.get(index);
        if (step) step.attempt = Math.max(step.attempt, event.activityTaskStartedEventAttributes.attempt ?? 1);
      } else if (event.workflowTaskCompletedEventAttributes) {
        chain.progress.push(at);
      } else if (
        event.workflowExecutionCompletedEventAttributes ||
        event.workflowExecutionFailedEventAttributes ||
        event.workflowExecutionCanceledEventAttributes ||
        event.workflowExecutionTerminatedEventAttributes ||
        event.workflowExecutionTimedOutEventAttributes
      ) {
        chain.progress.push(at);
        closedAt = at;
      }
    }
    // The chain is closed when its last execution is; a continued one is followed by the next.
    if (e.status !== 'CONTINUED_AS_NEW') {
      chain.status = e.status;
      if (closedAt !== undefined || e.status !== 'RUNNING') chain.closed_at = closedAt ?? Date.now();
    }
  };
  // A few at a time: a scenario has up to a few hundred executions.
  for (let i = 0; i < executions.length; i += 16) await Promise.all(executions.slice(i, i + 16).map(read));
  return [...chains.values()];
}

/** The step index an Ordo tool activity's input names (`{ step: { step_index } }`), if it is one. */
function stepIndexOf(data: Uint8Array | null | undefined): number | undefined {
  if (!data) return undefined;
  try {
    const input = JSON.parse(Buffer.from(data).toString('utf8')) as { step?: { step_index?: unknown } };
    return typeof input.step?.step_index === 'number' ? input.step.step_index : undefined;
  } catch {
    return undefined;
  }
}
