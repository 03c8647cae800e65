import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { readTallyLedger } from '@ordo/tools';
import type { OrdoHttp } from './http';
import { tasksOf, waitsOnDeadWorkers, type AttemptStart, type RunTask } from './tasks';
import { describeHistory, timeOf, type HistoryEvent } from './timeline';
import type { Launch } from './workload';

/** A fault as the harness caused it: from `start` until it ended (a process killed, a server down), in ms since the epoch. */
export interface FaultWindow {
  what: string;
  start: number;
  /** When the fault was over: the server or process back, or, when a survivor took over at once, the kill itself. */
  end: number;
  /** The killed worker's identity as Temporal records it (`<pid>@<host>`), when the fault is a worker's death. */
  worker_identity?: string;
}

/** A job as the API answers it, the fields the measures read. */
interface ApiJob {
  job_id: string;
  name: string;
  status: string;
  output_data: Record<string, unknown>;
  runs: { run_id: string; status: string }[];
  error_message?: string;
}

/** One Ordo run as Temporal recorded it: a chain of executions continued as new, from its first. */
interface Chain {
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

/** Every job the API lists, page by page. */
async function listJobs(http: OrdoHttp): Promise<ApiJob[]> {
  const all: ApiJob[] = [];
  let cursor: string | undefined;
  do {
    const page = await http.get<{ items: ApiJob[]; next_cursor?: string | null }>(
      `/v1/jobs?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    all.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return all;
}

/** How many executions on the task queue are still running, by Temporal's visibility. */
async function openExecutions(client: Client, taskQueue: string): Promise<number> {
  const { count } = await client.workflow.count(`TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`);
  return count;
}

/** Every Ordo run on the task queue, each a chain of executions read from Temporal's histories. */
async function readChains(
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

/**
 * Writes each chain's histories as lines to read, one file per job, timed from the first
 * fault (or the run's start), each execution followed by the activity attempts seen pending
 * that its history does not keep.
 */
async function writeHistories(
  dir: string,
  chains: readonly Chain[],
  faults: readonly FaultWindow[],
  earlierStarts: (runId: string, activityId: string) => readonly AttemptStart[],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const chain of chains) {
    const origin = faults[0]?.end ?? chain.started_at;
    const header = faults.map(
      (f) =>
        `fault: ${f.what} at +${((f.end - origin) / 1000).toFixed(2)} s${f.worker_identity ? ` (${f.worker_identity})` : ''}`,
    );
    const at = (t: number): string => `${((t - origin) / 1000).toFixed(2).padStart(6)} s`;
    const seen = (x: Chain['executions'][number]): string[] =>
      x.events.flatMap((event) => {
        const a = event.activityTaskScheduledEventAttributes;
        if (!a) return [];
        return earlierStarts(x.run_id, a.activityId ?? '').map(
          (s) =>
            `${at(s.at)}  seen pending: activity ${a.activityId} (${a.activityType?.name ?? '?'}) attempt ${s.attempt} started by ${s.by}`,
        );
      });
    const body = chain.executions.flatMap((x) => [
      `execution ${x.run_id}`,
      ...describeHistory(x.events, origin),
      ...seen(x),
    ]);
    await writeFile(join(dir, `${chain.job_id}.txt`), [...header, ...body, ''].join('\n'));
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

/** A launch's answers, each distinct answer once with its count, in the order they first came. */
function answersOf(launch: Launch): string {
  const counts = new Map<string, number>();
  for (const answer of launch.answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  return [...counts].map(([answer, n]) => (n > 1 ? `${answer} ×${n}` : answer)).join(' / ');
}
