import type { Client } from '@temporalio/client';
import { cpuDelta } from '../cpu';
import { CHAIN_VALUE, createNoopWorkflow, fetchJob, runOrdoJob } from '../ordo-jobs';
import { median, percentile, round } from '../stats';
import { BUILTIN_TOOL_ID, EXTERNAL_TOOL_ID } from './shared-tool';
import { readRunSteps, type StepTimes } from './step-history';

/** How much to run: jobs of `steps` steps, `jobs` timed per side after `warmup` untimed per side. */
export interface ExternalToolsConfig {
  steps: number;
  jobs: number;
  warmup: number;
}

/** The two ways one tool is served: by Ordo's worker (built in) or by a worker of its own. */
export type Side = 'builtin' | 'external';

/** What the bench reads of its stack: the API, a Temporal client, and each process's CPU so far (ms). */
export interface ExternalToolsTarget {
  api: string;
  client: Client;
  cpuNow: () => Record<string, number | undefined>;
}

/** One side's figures. Times in ms. */
export interface SideFigures {
  tool_id: string;
  jobs: number;
  /** Each step's cycle from the history (its tool activity scheduled → the next step's), `steps - 1` per job. */
  step_ms: { median: number; p90: number; count: number };
  /** Each job's start request → result, divided by its steps. */
  job_per_step_ms: { median: number; p90: number; values: number[] };
  /** Where a step's cycle goes, medians over every step: queue wait, the attempt, the workflow's turn after it. */
  step_parts_median_ms: { queue: number; run: number; after: number };
  /** CPU per step of each process over the timed jobs (ms; the tsx parent and its child together). */
  cpu_ms_per_step: Record<string, number>;
  /** History events per step, and of each type in one run. */
  events_per_step: number;
  events_by_type: Record<string, number>;
}

/** Both sides, and the ratios external / built-in. */
export interface ExternalToolsFigures {
  builtin: SideFigures;
  external: SideFigures;
  ratio: { step_median: number; step_p90: number; job_per_step_median: number };
  target: string;
  met: boolean;
}

const TOOL_OF: Record<Side, string> = { builtin: BUILTIN_TOOL_ID, external: EXTERNAL_TOOL_ID };

interface JobRecord {
  per_step_ms: number;
  steps: StepTimes[];
  cpu: Record<string, number>;
  events: number;
  by_type: Record<string, number>;
}

/**
 * Runs jobs of `steps` noop steps built in and the same steps external, one job at a time, the
 * sides alternating (ABBA: who goes first swaps every pair, so drift and a warming server fall
 * on both), and reads each run's history for its steps' times and each process's CPU around
 * each job.
 */
export async function measureExternalTools(
  target: ExternalToolsTarget,
  config: ExternalToolsConfig,
  log: (line: string) => void,
): Promise<ExternalToolsFigures> {
  const workflows: Record<Side, string> = {
    builtin: await createNoopWorkflow(target.api, config.steps, TOOL_OF.builtin),
    external: await createNoopWorkflow(target.api, config.steps, TOOL_OF.external),
  };
  const records: Record<Side, JobRecord[]> = { builtin: [], external: [] };
  const runOne = async (side: Side): Promise<JobRecord> => {
    const before = target.cpuNow();
    const timing = await runOrdoJob(target.api, target.client, workflows[side], 'one-request');
    const cpu = cpuDelta(before, target.cpuNow());
    const job = await fetchJob(target.api, timing.job_id);
    if (job.status !== 'COMPLETED' || job.output_data[`v${config.steps}`] !== CHAIN_VALUE)
      throw new Error(`${side} job ${timing.job_id} is ${job.status} with ${JSON.stringify(job.output_data)}`);
    const run = await readRunSteps(target.client, timing.job_id, undefined, TOOL_OF[side]);
    if (run.steps.length !== config.steps)
      throw new Error(
        `${side} job ${timing.job_id}: ${run.steps.length} ${TOOL_OF[side]} activities, expected ${config.steps}`,
      );
    return {
      per_step_ms: timing.start_to_result_ms / config.steps,
      steps: run.steps,
      cpu,
      events: run.events,
      by_type: run.by_type,
    };
  };
  const pairs = config.warmup + config.jobs;
  for (let i = 0; i < pairs; i++) {
    const order: Side[] = i % 2 === 0 ? ['builtin', 'external'] : ['external', 'builtin'];
    const seen: string[] = [];
    for (const side of order) {
      const record = await runOne(side);
      if (i >= config.warmup) records[side].push(record);
      seen.push(`${side} ${round(record.per_step_ms, 1)} ms/step`);
    }
    log(`${i < config.warmup ? 'warm-up' : 'pair'} ${i + 1}/${pairs}: ${seen.join(', ')}`);
  }
  const builtin = figures('builtin', records.builtin, config.steps);
  const external = figures('external', records.external, config.steps);
  const ratio = {
    step_median: round(external.step_ms.median / builtin.step_ms.median, 3),
    step_p90: round(external.step_ms.p90 / builtin.step_ms.p90, 3),
    job_per_step_median: round(external.job_per_step_ms.median / builtin.job_per_step_ms.median, 3),
  };
  return { builtin, external, ratio, target: '<= 1.1', met: ratio.step_median <= 1.1 };
}

function figures(side: Side, records: JobRecord[], steps: number): SideFigures {
  const all = records.flatMap((r) => r.steps);
  const cycles = all.flatMap((s) => (s.step_ms === undefined ? [] : [s.step_ms]));
  const perJob = records.map((r) => r.per_step_ms);
  const cpu: Record<string, number> = {};
  for (const r of records) for (const [name, ms] of Object.entries(r.cpu)) cpu[name] = (cpu[name] ?? 0) + ms;
  const totalSteps = records.length * steps;
  return {
    tool_id: TOOL_OF[side],
    jobs: records.length,
    step_ms: { median: round(median(cycles), 1), p90: round(percentile(cycles, 90), 1), count: cycles.length },
    job_per_step_ms: {
      median: round(median(perJob), 1),
      p90: round(percentile(perJob, 90), 1),
      values: perJob.map((v) => round(v, 1)),
    },
    step_parts_median_ms: {
      queue: round(median(all.map((s) => s.queue_ms)), 1),
      run: round(median(all.map((s) => s.run_ms)), 1),
      after: round(median(all.map((s) => s.after_ms)), 1),
    },
    cpu_ms_per_step: Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, round(ms / totalSteps, 2)])),
    events_per_step: round((records[0]?.events ?? Number.NaN) / steps, 2),
    events_by_type: records[0]?.by_type ?? {},
  };
}
