import type { Client } from '@temporalio/client';
import { runBaseline } from '../baseline-jobs';
import { cpuDelta } from '../cpu';
import { CHAIN_VALUE, createNoopWorkflow, fetchJob, runOrdoJob } from '../ordo-jobs';
import { median, percentile, round } from '../stats';
import { BUILTIN_TOOL_ID, EXTERNAL_TASK_QUEUE, EXTERNAL_TOOL_ID } from './shared-tool';
import { readRunSteps, type StepTimes } from './step-history';

/**
 * How much to run: jobs of `steps` steps, `jobs` timed per side after `warmup` untimed per
 * side; with `control`, the hand-written workflow too, its activity on its own queue and on
 * the external worker's (needs the stack's baseline worker).
 */
export interface ExternalToolsConfig {
  steps: number;
  jobs: number;
  warmup: number;
  control: boolean;
}

/**
 * The sides: Ordo's job with the tool built in (served by Ordo's worker) or external (served
 * by a worker of its own); the control, the hand-written workflow calling `echo` on its own
 * queue (`handwritten_local`) or the external worker's `noop_external` on its queue (`handwritten_remote`).
 */
export type Side = 'builtin' | 'external' | 'handwritten_local' | 'handwritten_remote';

/** What the bench reads of its stack: the API, a Temporal client, and each process's CPU so far (ms). */
export interface ExternalToolsTarget {
  api: string;
  client: Client;
  cpuNow: () => Record<string, number | undefined>;
}

/** One side's figures. Times in ms. */
export interface SideFigures {
  activity_type: string;
  jobs: number;
  /** Each step's cycle from the history (its tool activity scheduled → the next step's), `steps - 1` per job. */
  step_ms: { median: number; p90: number; count: number };
  /** Each job's start request → result, divided by its steps. */
  job_per_step_ms: { median: number; p90: number; values: number[] };
  /**
   * Where a step's cycle goes, medians over every step: queue wait (scheduled → started), the
   * attempt (started → completed), after it (completed → the next step's scheduling), and of
   * that the wait for the workflow task to start.
   */
  step_parts_median_ms: { queue: number; run: number; after: number; wake: number };
  /** Each workflow task's time (started → completed), median and p90 over the timed jobs. */
  workflow_task_ms: { median: number; p90: number; count: number };
  /** Each local activity type's time (see `RunSteps`): how many per step, and their median. */
  local_activities: Record<string, { per_step: number; median_ms: number }>;
  /** CPU per step of each process over the timed jobs (ms; the tsx parent and its child together). */
  cpu_ms_per_step: Record<string, number>;
  /** History events per step, and of each type in one run. */
  events_per_step: number;
  events_by_type: Record<string, number>;
}

/** A ratio of two sides' step times. */
export interface StepRatio {
  step_median: number;
  step_p90: number;
  job_per_step_median: number;
}

/** Every side measured, and the ratios: external / built-in (the target's), and the control's remote / local. */
export interface ExternalToolsFigures {
  sides: Partial<Record<Side, SideFigures>>;
  ratio: StepRatio;
  control_ratio?: StepRatio;
  target: string;
  met: boolean;
}

const ACTIVITY_OF: Record<Side, string> = {
  builtin: BUILTIN_TOOL_ID,
  external: EXTERNAL_TOOL_ID,
  handwritten_local: 'echo',
  handwritten_remote: EXTERNAL_TOOL_ID,
};

interface JobRecord {
  per_step_ms: number;
  steps: StepTimes[];
  workflow_task_ms: number[];
  local_activity_ms: Record<string, number[]>;
  cpu: Record<string, number>;
  events: number;
  by_type: Record<string, number>;
}

/**
 * Runs jobs of `steps` noop steps built in and the same steps external (and the control's
 * hand-written runs), one run at a time, the sides taking turns: each round rotates who goes
 * first, so drift and a warming server fall on every side. Reads each run's history for its
 * steps' times, and each process's CPU around each run.
 */
export async function measureExternalTools(
  target: ExternalToolsTarget,
  config: ExternalToolsConfig,
  log: (line: string) => void,
): Promise<ExternalToolsFigures> {
  const sides: Side[] = config.control
    ? ['builtin', 'external', 'handwritten_local', 'handwritten_remote']
    : ['builtin', 'external'];
  const workflows = {
    builtin: await createNoopWorkflow(target.api, config.steps, BUILTIN_TOOL_ID),
    external: await createNoopWorkflow(target.api, config.steps, EXTERNAL_TOOL_ID),
  };
  const records: Record<Side, JobRecord[]> = {
    builtin: [],
    external: [],
    handwritten_local: [],
    handwritten_remote: [],
  };
  const runOne = async (side: Side): Promise<JobRecord> => {
    const before = target.cpuNow();
    let workflowId: string;
    let ms: number;
    if (side === 'builtin' || side === 'external') {
      const timing = await runOrdoJob(target.api, target.client, workflows[side], 'one-request');
      ms = timing.start_to_result_ms;
      workflowId = timing.job_id;
    } else {
      const remote =
        side === 'handwritten_remote'
          ? { task_queue: EXTERNAL_TASK_QUEUE, activity_type: EXTERNAL_TOOL_ID }
          : undefined;
      const timing = await runBaseline(target.client, config.steps, remote);
      ms = timing.start_to_result_ms;
      workflowId = timing.workflow_id;
    }
    const cpu = cpuDelta(before, target.cpuNow());
    if (side === 'builtin' || side === 'external') {
      const job = await fetchJob(target.api, workflowId);
      if (job.status !== 'COMPLETED' || job.output_data[`v${config.steps}`] !== CHAIN_VALUE)
        throw new Error(`${side} job ${workflowId} is ${job.status} with ${JSON.stringify(job.output_data)}`);
    }
    const run = await readRunSteps(target.client, workflowId, undefined, ACTIVITY_OF[side]);
    if (run.steps.length !== config.steps)
      throw new Error(
        `${side} run ${workflowId}: ${run.steps.length} ${ACTIVITY_OF[side]} activities, expected ${config.steps}`,
      );
    return { ...run, per_step_ms: ms / config.steps, cpu };
  };
  const rounds = config.warmup + config.jobs;
  for (let i = 0; i < rounds; i++) {
    const order = sides.map((_, k) => sides[(i + k) % sides.length]!);
    const seen: string[] = [];
    for (const side of order) {
      const record = await runOne(side);
      if (i >= config.warmup) records[side].push(record);
      seen.push(`${side} ${round(record.per_step_ms, 1)}`);
    }
    log(`${i < config.warmup ? 'warm-up' : 'round'} ${i + 1}/${rounds} (ms/step): ${seen.join(', ')}`);
  }
  const measured: Partial<Record<Side, SideFigures>> = {};
  for (const side of sides) measured[side] = figures(side, records[side], config.steps);
  const ratio = ratioOf(measured.external!, measured.builtin!);
  return {
    sides: measured,
    ratio,
    ...(config.control && { control_ratio: ratioOf(measured.handwritten_remote!, measured.handwritten_local!) }),
    target: '<= 1.1',
    met: ratio.step_median <= 1.1,
  };
}

function ratioOf(a: SideFigures, b: SideFigures): StepRatio {
  return {
    step_median: round(a.step_ms.median / b.step_ms.median, 3),
    step_p90: round(a.step_ms.p90 / b.step_ms.p90, 3),
    job_per_step_median: round(a.job_per_step_ms.median / b.job_per_step_ms.median, 3),
  };
}

function figures(side: Side, records: JobRecord[], steps: number): SideFigures {
  const all = records.flatMap((r) => r.steps);
  const cycles = all.flatMap((s) => (s.step_ms === undefined ? [] : [s.step_ms]));
  const perJob = records.map((r) => r.per_step_ms);
  const cpu: Record<string, number> = {};
  for (const r of records) for (const [name, ms] of Object.entries(r.cpu)) cpu[name] = (cpu[name] ?? 0) + ms;
  const totalSteps = records.length * steps;
  const tasks = records.flatMap((r) => r.workflow_task_ms);
  const locals: Record<string, number[]> = {};
  for (const r of records)
    for (const [type, ms] of Object.entries(r.local_activity_ms)) (locals[type] ??= []).push(...ms);
  const part = (pick: (s: StepTimes) => number): number => round(median(all.map(pick)), 1);
  return {
    activity_type: ACTIVITY_OF[side],
    jobs: records.length,
    step_ms: { median: round(median(cycles), 1), p90: round(percentile(cycles, 90), 1), count: cycles.length },
    job_per_step_ms: {
      median: round(median(perJob), 1),
      p90: round(percentile(perJob, 90), 1),
      values: perJob.map((v) => round(v, 1)),
    },
    step_parts_median_ms: {
      queue: part((s) => s.queue_ms),
      run: part((s) => s.run_ms),
      after: part((s) => s.after_ms),
      wake: part((s) => s.wake_ms),
    },
    workflow_task_ms: { median: round(median(tasks), 1), p90: round(percentile(tasks, 90), 1), count: tasks.length },
    local_activities: Object.fromEntries(
      Object.entries(locals).map(([type, ms]) => [
        type,
        { per_step: round(ms.length / totalSteps, 2), median_ms: round(median(ms), 1) },
      ]),
    ),
    cpu_ms_per_step: Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, round(ms / totalSteps, 2)])),
    events_per_step: round((records[0]?.events ?? Number.NaN) / steps, 2),
    events_by_type: records[0]?.by_type ?? {},
  };
}
