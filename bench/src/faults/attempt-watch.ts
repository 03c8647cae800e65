import type { Client } from '@temporalio/client';
import type { AttemptStart } from './tasks';
import { timeOf } from './timeline';

/** `PENDING_ACTIVITY_STATE_STARTED`: an attempt a worker took and has not finished. */
const STARTED = 2;
/**
 * How often the watch looks. A lost attempt stays pending, started, until its heartbeat
 * timeout (10 s at least here), so a look every 2 s sees every one; an attempt that ends
 * sooner ended on a live worker, and its start does not change any wait.
 */
const INTERVAL_MS = 2_000;

/**
 * Watches a scenario's open executions for the activity attempts their histories will not
 * keep: Temporal records only an activity's last attempt, so a step whose attempt 2 started
 * on a live worker and then died with the next kill shows only attempt 3, as if it had waited
 * from the first kill. While an attempt is pending, `DescribeWorkflowExecution` names it, when
 * it started and on which worker; the watch keeps each one it sees.
 */
export class AttemptWatch {
  private readonly seen = new Map<string, AttemptStart[]>();
  private stopped = false;
  private readonly loop: Promise<void>;

  private constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {
    this.loop = this.run();
  }

  /** Starts watching the task queue's open executions until `stop`. */
  static start(client: Client, taskQueue: string): AttemptWatch {
    return new AttemptWatch(client, taskQueue);
  }

  /** The attempts seen started of one execution's activity, in order of time. */
  startsOf(runId: string, activityId: string): readonly AttemptStart[] {
    return this.seen.get(`${runId}|${activityId}`) ?? [];
  }

  /** Stops watching (after the look under way). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // Temporal down (a scenario's fault) or busy: the next look tries again.
      await this.look().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    }
  }

  private async look(): Promise<void> {
    const open: { workflowId: string; runId: string }[] = [];
    const query = `TaskQueue = "${this.taskQueue}" AND ExecutionStatus = "Running"`;
    for await (const e of this.client.workflow.list({ query })) open.push({ workflowId: e.workflowId, runId: e.runId });
    // A few at a time: the scenario's own load comes first.
    for (let i = 0; i < open.length && !this.stopped; i += 8) {
      await Promise.all(open.slice(i, i + 8).map((e) => this.describe(e)));
    }
  }

  private async describe(execution: { workflowId: string; runId: string }): Promise<void> {
    const description = await this.client.workflowService.describeWorkflowExecution({
      namespace: this.client.options.namespace,
      execution,
    });
    for (const a of description.pendingActivities ?? []) {
      if (Number(a.state) !== STARTED || !a.lastStartedTime || !a.attempt) continue;
      const start: AttemptStart = {
        attempt: a.attempt,
        at: timeOf(a.lastStartedTime),
        by: a.lastWorkerIdentity ?? '?',
      };
      const key = `${execution.runId}|${a.activityId ?? ''}`;
      const starts = this.seen.get(key) ?? [];
      if (starts.some((s) => s.attempt === start.attempt)) continue;
      this.seen.set(
        key,
        [...starts, start].sort((x, y) => x.at - y.at),
      );
    }
  }
}
