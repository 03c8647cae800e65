/**
 * The scenario's measures: waits for its jobs to end, then counts, from the API's jobs,
 * Temporal's chains and the tally ledger, what the fault suite holds Ordo to. Reading those
 * records and writing histories live beside it; this module only judges them.
 */
import type { Client } from '@temporalio/client';
import { readTallyLedger } from '@ordo/tools';
import { listJobs, type ApiJob } from './api-jobs';
import type { FaultWindow } from './fault-window';
import { groupBy } from './group-by';
import { writeHistories } from './history-files';
import type { OrdoHttp } from './http';
import { answersOf } from './launch-answers';
import { waitsOnDeadWorkers, type AttemptStart, type RunTask } from './tasks';
import { openExecutions, readChains, type Chain } from './temporal-chains';
import type { Launch } from './workload';

/** What one scenario measured, from the API's and Temporal's records and the test ledger. */
export interface ScenarioMeasures {
  /** Jobs the client created and started (one per launch). */
  jobs: number;
  /** Launches whose job is COMPLETED with the expected output. */
  completed: number;
  /** Launches whose job ended otherwise (FAILED). */
  failed: number;
  /** Started jobs not ended by the deadline in the API, or whose Temporal run is still open then. */
  stuck: number;
  /** Launches whose job cannot be found, or never ran. */
  lost: number;
  /** Jobs more than one per launch, plus runs more than one per job that did work. */
  duplicated: number;
  /** Steps whose tool completed and then ran again in the same run (Temporal's history, and the tally ledger). */
  steps_run_again: number;
  /**
   * The slowest recovery, in seconds (null: no fault, or nothing affected): after a worker's
   * death, from the kill (or a task's scheduling after it) to the held-up task starting on a
   * live worker; after another fault, from its end to an affected job's first progress.
   */
  slowest_recovery_s: number | null;
  /** The largest bound the recoveries are held to: the affected jobs' heartbeat timeout plus 5 s. */
  recovery_bound_s: number | null;
  /** Affected jobs whose recovery exceeded their bound (or that never progressed). */
  recovery_over_bound: number;
  /** Answers the API gave that its OpenAPI document does not allow. */
  contract_violations: number;
  /** Ordo processes that exited without the harness stopping or killing them. */
  unexpected_exits: number;
  /** Up to a few examples of each non-zero count, for reading. */
  examples: Record<string, string[]>;
}

/** Everything `measureScenario` reads: the API, Temporal, the ledger file, and what the client sent. */
export interface MeasureInput {
  http: OrdoHttp;
  client: Client;
  taskQueue: string;
  ledgerPath: string;
  launches: readonly Launch[];
  faults: readonly FaultWindow[];
  /** How long, after the last fault, the jobs have to end (ms). */
  settleMs: number;
  /** Ordo processes that exited on their own, each with the end of its output. */
  exits?: () => readonly string[];
  /** Where to write each run's history as lines to read (`<job_id>.txt`), timed from the first fault; nowhere when unset. */
  historiesDir?: string;
  /** Activity attempts seen started while pending, which histories do not keep (an `AttemptWatch`'s `startsOf`). */
  earlierStarts?: (runId: string, activityId: string) => readonly AttemptStart[];
  log: (line: string) => void;
}

const ENDED = new Set(['COMPLETED', 'FAILED']);

/**
 * Waits for the scenario's jobs to end (or the deadline), then computes its measures from
 * the API's jobs, Temporal's executions and histories on its task queue, and the ledger.
 */
export async function measureScenario(input: MeasureInput): Promise<ScenarioMeasures> {
  const { http, launches } = input;
  const names = new Set(launches.map((l) => l.name));
  const deadline = Math.max(Date.now(), ...input.faults.map((f) => f.end)) + input.settleMs;
  // The jobs end in the API and their runs close in Temporal, or the deadline passes: the
  // last step records the job's ending a moment before its run closes.
  let summaries: ApiJob[] = [];
  for (;;) {
    summaries = (await listJobs(http)).filter((j) => names.has(j.name));
    const running =
      summaries.some((j) => j.status === 'RUNNING') || (await openExecutions(input.client, input.taskQueue)) > 0;
    if (!running || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const jobs = await Promise.all(summaries.map((s) => http.get<ApiJob>(`/v1/jobs/${s.job_id}`)));
  const earlierStarts = input.earlierStarts ?? ((): readonly AttemptStart[] => []);
  const chains = await readChains(input.client, input.taskQueue, earlierStarts);
  const ledger = await readTallyLedger(input.ledgerPath);
  if (input.historiesDir !== undefined) await writeHistories(input.historiesDir, chains, input.faults, earlierStarts);

  const examples: Record<string, string[]> = {};
  const note = (measure: string, text: string): void => {
    const list = (examples[measure] ??= []);
    if (list.length < 8) list.push(text);
  };
  const jobsByName = groupBy(jobs, (j) => j.name);
  const chainsByJob = groupBy(chains, (c) => c.job_id);
  const ran = (job: ApiJob): boolean =>
    job.runs.length > 0 || job.status !== 'PENDING' || (chainsByJob.get(job.job_id)?.length ?? 0) > 0;

  let completed = 0;
  let failed = 0;
  let lost = 0;
  let duplicated = 0;
  for (const launch of launches) {
    const own = jobsByName.get(launch.name) ?? [];
    if (own.length > 1) {
      duplicated += own.length - 1;
      note(
        'duplicated',
        `${launch.name}: ${own.length} jobs (${own.map((j) => `${j.job_id} ${j.status}`).join(', ')}); answers ${answersOf(launch)}`,
      );
    }
    if (own.length === 0 || !own.some(ran)) {
      lost++;
      note(
        'lost',
        `${launch.name}: ${own.length === 0 ? 'no job' : `${own.map((j) => `${j.job_id} ${j.status}`).join(', ')}, never ran`}; answers ${answersOf(launch)}`,
      );
      continue;
    }
    if (own.some((j) => j.status === 'COMPLETED' && launch.kind.expected(j.output_data))) completed++;
    else if (own.some((j) => j.status === 'COMPLETED' || j.status === 'FAILED')) {
      failed++;
      const ended = own.find((j) => ENDED.has(j.status))!;
      note(
        'failed',
        `${launch.name} ${ended.job_id}: ${ended.status} ${ended.error_message ?? JSON.stringify(ended.output_data).slice(0, 200)}`,
      );
    }
  }

  let stuck = 0;
  for (const job of jobs) {
    const own = chainsByJob.get(job.job_id) ?? [];
    const working = own.filter((c) => c.completed_activities > 0);
    if (working.length > 1) {
      duplicated += working.length - 1;
      note(
        'duplicated',
        `${job.job_id}: ${working.length} Temporal runs did work (${working.map((c) => c.run_id).join(', ')})`,
      );
    }
    if (!ran(job)) continue;
    const open = own.some((c) => c.closed_at === undefined);
    if (!ENDED.has(job.status)) {
      stuck++;
      note(
        'stuck',
        `${job.job_id} ${job.name}: ${job.status} in the API, Temporal ${own.map((c) => `${c.run_id} ${c.status}`).join(', ') || 'no run'}`,
      );
    } else if (open) {
      stuck++;
      note(
        'stuck',
        `${job.job_id} ${job.name}: ${job.status} in the API while Temporal still runs ${own
          .filter((c) => c.closed_at === undefined)
          .map((c) => c.run_id)
          .join(', ')}`,
      );
    }
  }

  // Completed steps run again: from the histories (a step scheduled again after it completed,
  // or completed twice) and from the ledger (a tally execution completed twice).
  const rerun = new Map<string, string>();
  for (const chain of chains) {
    for (const [index, step] of chain.steps) {
      if (step.completed > 1 || step.scheduled_after_completion > 0) {
        rerun.set(
          `${chain.job_id}|${chain.run_id}|${index}`,
          `${chain.job_id} run ${chain.run_id} step ${index}: history ${step.scheduled} scheduled, ${step.completed} completed`,
        );
      }
    }
  }
  for (const [key, entries] of groupBy(ledger, (e) => `${e.job_id}|${e.run_id}|${e.step_index}`)) {
    if (entries.length > 1) {
      const text = `${entries[0]!.job_id} run ${entries[0]!.run_id} step ${entries[0]!.step_index}: the tool completed ${entries.length} times (attempts ${entries.map((e) => e.attempt).join(', ')})`;
      rerun.set(key, rerun.has(key) ? `${rerun.get(key)!}; ${text}` : text);
    }
  }
  for (const text of rerun.values()) note('steps_run_again', text);

  // Recovery. After a worker's death: how long each task the dead worker held up (pending at
  // the kill, or handed to it afterwards and lost there) waited until it started on a live
  // worker, held to the job's heartbeat timeout plus 5 s. After any other fault: for the launches whose jobs were open when it ended, and
  // those it interrupted, the first progress of any of their jobs after it ended (a launch
  // whose create was retried may have a second job, and only one of them runs).
  const launchOf = new Map<string, Launch>();
  for (const launch of launches) for (const job of jobsByName.get(launch.name) ?? []) launchOf.set(job.job_id, launch);
  const chainsOf = (launch: Launch): Chain[] =>
    (jobsByName.get(launch.name) ?? []).flatMap((j) => chainsByJob.get(j.job_id) ?? []);
  const jobsOf = (launch: Launch): string => (jobsByName.get(launch.name) ?? []).map((j) => j.job_id).join(', ');
  const kills = input.faults.filter((f) => f.worker_identity !== undefined);
  const measuredAt = Date.now();
  let slowest: number | null = null;
  let bound: number | null = null;
  let overBound = 0;
  for (const fault of input.faults) {
    if (fault.worker_identity !== undefined) {
      // Per launch, its slowest task over its bound (or, none over, its slowest task).
      const worst = new Map<Launch, { task: RunTask; wait_s: number; limit: number }>();
      for (const chain of chains) {
        const launch = launchOf.get(chain.job_id);
        if (!launch) continue;
        for (const task of chain.tasks) {
          const waited = waitsOnDeadWorkers(task, kills, measuredAt).find((w) => w.fault === fault);
          if (!waited) continue;
          const wait_s = waited.wait_ms / 1000;
          // The job's steps' heartbeat timeout as the workload declares it (the platform's for the
          // seed): a tool that lengthens its own is held to the promise all the same.
          const limit = launch.kind.heartbeat_s + 5;
          const known = worst.get(launch);
          if (!known || wait_s - limit > known.wait_s - known.limit) worst.set(launch, { task, wait_s, limit });
        }
      }
      for (const [launch, { task, wait_s, limit }] of worst) {
        bound = Math.max(bound ?? 0, limit);
        slowest = Math.max(slowest ?? 0, wait_s);
        if (wait_s <= limit) continue;
        overBound++;
        const started =
          wait_s >= (measuredAt - fault.end) / 1000
            ? 'not started again on a live worker'
            : `started again ${wait_s.toFixed(1)} s after`;
        note(
          'recovery_over_bound',
          `${launch.name} (${jobsOf(launch)}): ${task.what} ${started} ${fault.what} (${task.heartbeat_s ? `heartbeat timeout ${task.heartbeat_s} s, ` : ''}bound ${limit} s)`,
        );
      }
      continue;
    }
    const affected = new Set<Launch>();
    for (const chain of chains) {
      const launch = launchOf.get(chain.job_id);
      if (launch && chain.started_at < fault.end && (chain.closed_at === undefined || chain.closed_at > fault.end))
        affected.add(launch);
    }
    for (const launch of launches) {
      if ((launch.done_at !== undefined && launch.done_at < fault.start) || launch.sent_at > fault.end) continue;
      // Its job ran to its end before the fault did: nothing was left to recover.
      const own = chainsOf(launch);
      if (own.length > 0 && own.every((c) => c.closed_at !== undefined && c.closed_at <= fault.end)) continue;
      affected.add(launch);
    }
    for (const launch of affected) {
      const next = Math.min(...chainsOf(launch).flatMap((c) => c.progress.filter((t) => t >= fault.end)));
      const recovery = Number.isFinite(next) ? (next - fault.end) / 1000 : Infinity;
      const limit = launch.kind.heartbeat_s + 5;
      bound = Math.max(bound ?? 0, limit);
      if (recovery > limit) {
        overBound++;
        // The attempts say how the time went: a retried step's attempt 3 lost two attempts.
        const retried = chainsOf(launch).flatMap((c) =>
          [...c.steps].filter(([, st]) => st.attempt > 1).map(([i, st]) => `step ${i} attempt ${st.attempt}`),
        );
        note(
          'recovery_over_bound',
          `${launch.name} (${jobsOf(launch)}) after ${fault.what}: ${Number.isFinite(recovery) ? `${recovery.toFixed(1)} s` : 'no progress'} (bound ${limit} s)${retried.length > 0 ? `; ${retried.join(', ')}` : ''}`,
        );
      }
      slowest = Math.max(slowest ?? 0, recovery);
    }
  }

  const violations = [...new Set(http.violations)];
  for (const v of violations) note('contract_violations', v);
  const exits = input.exits?.() ?? [];
  for (const e of exits) note('unexpected_exits', e);
  return {
    jobs: launches.length,
    completed,
    failed,
    stuck,
    lost,
    duplicated,
    steps_run_again: rerun.size,
    slowest_recovery_s: slowest === null ? null : Number.isFinite(slowest) ? Math.round(slowest * 10) / 10 : -1,
    recovery_bound_s: bound,
    recovery_over_bound: overBound,
    contract_violations: violations.length,
    unexpected_exits: exits.length,
    examples,
  };
}
