import type { AppDeps } from './deps';
import { endRunIfClosed } from './run-reconciler';

/** At most this many closed executions are looked at in one sweep. */
const SWEEP_LIMIT = 500;

/**
 * Executions of this API's task queue that closed while their job still showed RUNNING: a
 * run keeps `OrdoJobStatus` current up to its ending, so only a run that could not record
 * its ending (terminated, timed out, failed) closes with it RUNNING. An earlier execution of
 * a chain that continued as new closes RUNNING too, and is left out.
 */
function sweepQuery(taskQueue: string, since: Date | undefined): string {
  const closedSince = since === undefined ? '' : ` AND CloseTime >= "${since.toISOString()}"`;
  return `TaskQueue = "${taskQueue}" AND OrdoJobStatus = "RUNNING" AND ExecutionStatus != "Running" AND ExecutionStatus != "ContinuedAsNew"${closedSince}`;
}

/** What one sweep did: executions looked at, runs it ended in the store, and whether it saw every candidate. */
export interface SweepReport {
  examined: number;
  ended: number;
  complete: boolean;
}

/**
 * One sweep: finds, through Temporal's visibility, job runs closed without their ending
 * recorded (see {@link sweepQuery}), closed at or after `since` when given, and ends in the
 * store each one the store still shows in progress ({@link endRunIfClosed}). Bounded (at most
 * {@link SWEEP_LIMIT} executions) and safe with several API processes at once: every ending
 * is a conditional write, so two sweeps ending one run write it once.
 */
export async function sweepEndedRuns(
  deps: Pick<AppDeps, 'store' | 'temporal' | 'now'>,
  since?: Date,
): Promise<SweepReport> {
  const report: SweepReport = { examined: 0, ended: 0, complete: true };
  for await (const execution of deps.temporal.client.workflow.list({
    query: sweepQuery(deps.temporal.taskQueue, since),
    pageSize: 100,
  })) {
    if (report.examined >= SWEEP_LIMIT) {
      report.complete = false;
      break;
    }
    report.examined++;
    const jobId = execution.workflowId;
    const runId = execution.raw.firstRunId || execution.runId;
    // Cheap first: most candidates were reconciled before (visibility keeps them RUNNING for good).
    if ((await deps.store.jobs.currentRunId(jobId)) !== runId) continue;
    const stored = await deps.store.jobs.getStored(jobId);
    if (!stored?.run || stored.run.status !== 'InProgress') continue;
    if ((await endRunIfClosed(deps, stored)) === 'ended') report.ended++;
  }
  return report;
}

/** A sweep repeating in the background; `stop` waits for the one under way. */
export interface RunSweep {
  stop(): Promise<void>;
}

/**
 * Sweeps every `intervalMs` so that lists, which read the store without asking Temporal,
 * do not show a run ended outside Ordo as RUNNING for ever. The first sweep looks at every
 * candidate; later ones at executions closed since the last complete sweep began (less a
 * margin for visibility's lag). A failed sweep (Temporal unreachable) is tried at the next tick.
 */
export function startRunSweep(
  deps: Pick<AppDeps, 'store' | 'temporal' | 'now'>,
  intervalMs: number,
  log: (message: string) => void = () => undefined,
): RunSweep {
  let since: Date | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    const began = new Date();
    running = sweepEndedRuns(deps, since).then(
      (report) => {
        if (report.complete) since = new Date(began.getTime() - Math.max(intervalMs, 60_000));
        if (report.ended > 0)
          log(`Ordo run sweep: ended ${report.ended} run(s) closed in Temporal without their ending recorded`);
      },
      (err: unknown) =>
        log(
          `Ordo run sweep failed, trying again in ${intervalMs} ms: ${err instanceof Error ? err.message : String(err)}`,
        ),
    );
    void running.then(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  let timer: NodeJS.Timeout | undefined = setTimeout(tick, Math.min(intervalMs, 5_000));
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
