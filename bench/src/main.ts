/**
 * The interpretation benchmark: Ordo's job workflow against a hand-written Temporal
 * workflow doing the same work, on one fresh Temporal dev server, in one run. Prints a
 * table and writes bench/results/latest.json (and a dated copy). See bench/README.md.
 *
 *   pnpm bench [--steps 40] [--reps 5] [--jobs 200] [--job-steps 3] [--concurrency 50] [--rounds 3] [--settle 16] [--file-db] [--no-write]
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { runBaseline, type BaselineTiming } from './baseline-jobs';
import { cpuDelta, treeCpuMs } from './cpu';
import { countHistory, type HistoryCount } from './history';
import { CHAIN_VALUE, createNoopWorkflow, fetchJob, runOrdoJob, type OrdoJobTiming } from './ordo-jobs';
import { formatReport, type BenchResult } from './report';
import { median, percentile, pool, round } from './stats';
import { startStack, type BenchStack } from './stack';
import { checkout } from './git';
import { writeResults } from './results';

const { values: flags } = parseArgs({
  options: {
    steps: { type: 'string', default: '40' },
    reps: { type: 'string', default: '5' },
    jobs: { type: 'string', default: '200' },
    'job-steps': { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    settle: { type: 'string', default: '16' },
    'no-write': { type: 'boolean', default: false },
    'file-db': { type: 'boolean', default: false },
  },
});
const integer = (name: string, raw: string, min: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}, got '${raw}'`);
  return n;
};
const positive = (name: string, raw: string): number => integer(name, raw, 1);
const config = {
  steps: positive('steps', flags.steps),
  reps: positive('reps', flags.reps),
  jobs: positive('jobs', flags.jobs),
  job_steps: positive('job-steps', flags['job-steps']),
  concurrency: positive('concurrency', flags.concurrency),
  rounds: positive('rounds', flags.rounds),
  settle_s: integer('settle', flags.settle, 0),
};

const log = (line: string): void => console.error(`bench: ${line}`);

const load_before = loadavg()[0]!;
const stack = await startStack({ fileDb: flags['file-db'] }, log);
try {
  const result = await run(stack);
  console.log(formatReport(result));
  if (!flags['no-write']) log(`results written to ${writeResults('latest', result.date, result)}`);
} finally {
  await stack.stop();
}

async function run(stack: BenchStack): Promise<BenchResult> {
  const { client, api } = stack;
  const cpuNow = (): Record<string, number | undefined> => {
    const usage = process.cpuUsage();
    const reading: Record<string, number | undefined> = { bench: (usage.user + usage.system) / 1000 };
    for (const [name, pid] of Object.entries(stack.pids())) reading[name] = treeCpuMs(pid);
    return reading;
  };
  const timed = async <T>(work: () => Promise<T[]>): Promise<ThroughputRound<T>> => {
    const cpu0 = cpuNow();
    const t0 = performance.now();
    const timings = await work();
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, timings, cpu_ms: cpuDelta(cpu0, cpuNow()) };
  };
  const longWorkflow = await createNoopWorkflow(api, config.steps);
  const shortWorkflow = await createNoopWorkflow(api, config.job_steps);

  // Warm-up: both workers load their bundles, open their pollers and fill their caches
  // before anything is timed.
  log('warm-up');
  await runOrdoJob(api, client, longWorkflow);
  await runBaseline(client, config.steps);
  await pool(2 * config.concurrency, config.concurrency, () => runOrdoJob(api, client, shortWorkflow));
  await pool(2 * config.concurrency, config.concurrency, () => runBaseline(client, config.job_steps));

  // (a) One job of N steps at a time, the two sides alternating so drift in the machine's
  // load hits both alike.
  const ordoSingle: OrdoJobTiming[] = [];
  const baselineSingle: BaselineTiming[] = [];
  for (let rep = 0; rep < config.reps; rep++) {
    if (rep % 2 === 0) {
      ordoSingle.push(await runOrdoJob(api, client, longWorkflow));
      baselineSingle.push(await runBaseline(client, config.steps));
    } else {
      baselineSingle.push(await runBaseline(client, config.steps));
      ordoSingle.push(await runOrdoJob(api, client, longWorkflow));
    }
    log(
      `single job rep ${rep + 1}/${config.reps}: ordo ${ordoSingle.at(-1)!.start_to_result_ms.toFixed(0)} ms, baseline ${baselineSingle.at(-1)!.start_to_result_ms.toFixed(0)} ms`,
    );
  }

  // (b) History events of those runs.
  const ordoHistories = await Promise.all(ordoSingle.map((t) => countHistory(client, t.job_id)));
  const baselineHistories = await Promise.all(baselineSingle.map((t) => countHistory(client, t.workflow_id)));

  // (c) Throughput, rounds rotating which side goes first. Ordo twice: created and started
  // in two requests (the measure), and in one (`start: true`).
  const throughput = {
    ordo: [] as ThroughputRound<OrdoJobTiming>[],
    ordoOne: [] as ThroughputRound<OrdoJobTiming>[],
    baseline: [] as ThroughputRound<BaselineTiming>[],
  };
  const sides = [
    async () =>
      throughput.baseline.push(
        await timed(() => pool(config.jobs, config.concurrency, () => runBaseline(client, config.job_steps))),
      ),
    async () =>
      throughput.ordo.push(
        await timed(() => pool(config.jobs, config.concurrency, () => runOrdoJob(api, client, shortWorkflow))),
      ),
    async () =>
      throughput.ordoOne.push(
        await timed(() =>
          pool(config.jobs, config.concurrency, () => runOrdoJob(api, client, shortWorkflow, 'one-request')),
        ),
      ),
  ];
  for (let r = 0; r < config.rounds; r++) {
    for (let i = 0; i < sides.length; i++) {
      // Temporal fires a run's timeouts after the run has ended (a workflow task's 10 s, an
      // activity's 15 s heartbeat timeout) and handles each then: without a pause, the
      // previous side's land in this side's window, whichever side that is.
      await new Promise((resolve) => setTimeout(resolve, config.settle_s * 1000));
      await sides[(r + i) % sides.length]!();
    }
    const rate = (rounds: readonly ThroughputRound<unknown>[]) => (config.jobs / rounds.at(-1)!.seconds).toFixed(1);
    log(
      `throughput round ${r + 1}/${config.rounds}: ordo ${rate(throughput.ordo)} jobs/s (one request ${rate(throughput.ordoOne)}), baseline ${rate(throughput.baseline)} jobs/s`,
    );
  }

  // Ordo's jobs must really have completed, with the chain's value, as the API answers them.
  const checked = [
    ...ordoSingle.map((t) => [t.job_id, config.steps] as const),
    ...[...throughput.ordo, ...throughput.ordoOne].flatMap((r) =>
      r.timings.slice(0, 10).map((t) => [t.job_id, config.job_steps] as const),
    ),
  ];
  for (const [jobId, steps] of checked) {
    const job = await fetchJob(api, jobId);
    if (job.status !== 'COMPLETED' || job.output_data[`v${steps}`] !== CHAIN_VALUE) {
      throw new Error(`job ${jobId} is ${job.status} with output_data ${JSON.stringify(job.output_data)}`);
    }
  }

  const ordoWall = median(ordoSingle.map((t) => t.start_to_result_ms));
  const baselineWall = median(baselineSingle.map((t) => t.start_to_result_ms));
  const ordoEvents = median(ordoHistories.map((h) => h.total));
  const baselineEvents = median(baselineHistories.map((h) => h.total));
  const ordoRate = median(throughput.ordo.map((r) => config.jobs / r.seconds));
  const ordoOneRate = median(throughput.ordoOne.map((r) => config.jobs / r.seconds));
  const baselineRate = median(throughput.baseline.map((r) => config.jobs / r.seconds));
  const ordoJobs = throughput.ordo.flatMap((r) => r.timings);
  const baselineJobs = throughput.baseline.flatMap((r) => r.timings);

  return {
    date: new Date().toISOString(),
    ...checkout(),
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memory_gib: round(totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      load_1m_before: round(load_before),
      load_1m_after: round(loadavg()[0]!),
    },
    config,
    wall_time: {
      steps: config.steps,
      ordo_ms: ordoSingle.map((t) => round(t.start_to_result_ms, 1)),
      baseline_ms: baselineSingle.map((t) => round(t.start_to_result_ms, 1)),
      ordo_median_ms: round(ordoWall, 1),
      baseline_median_ms: round(baselineWall, 1),
      ratio: round(ordoWall / baselineWall, 3),
      target: '<= 1.05',
      ordo_create_median_ms: round(median(ordoSingle.map((t) => t.create_ms)), 1),
      ordo_start_request_median_ms: round(median(ordoSingle.map((t) => t.start_ms)), 1),
    },
    history: {
      steps: config.steps,
      ordo_events: ordoEvents,
      baseline_events: baselineEvents,
      ordo_per_step: round(ordoEvents / config.steps, 3),
      baseline_per_step: round(baselineEvents / config.steps, 3),
      ratio: round(ordoEvents / baselineEvents, 3),
      target: '<= 1.05',
      ordo_by_type: pick(ordoHistories),
      baseline_by_type: pick(baselineHistories),
    },
    throughput: {
      jobs: config.jobs,
      steps: config.job_steps,
      concurrency: config.concurrency,
      ordo_jobs_per_s: ordoRate,
      baseline_jobs_per_s: baselineRate,
      ordo_rounds_jobs_per_s: throughput.ordo.map((r) => round(config.jobs / r.seconds)),
      baseline_rounds_jobs_per_s: throughput.baseline.map((r) => round(config.jobs / r.seconds)),
      ratio: round(ordoRate / baselineRate, 3),
      target: '>= 0.9',
      ordo_job_ms: latencies(ordoJobs, (t) => t.create_ms + t.start_to_result_ms),
      ordo_create_ms: latencies(ordoJobs, (t) => t.create_ms),
      ordo_start_request_ms: latencies(ordoJobs, (t) => t.start_ms),
      ordo_start_to_result_ms: latencies(ordoJobs, (t) => t.start_to_result_ms),
      baseline_job_ms: latencies(baselineJobs, (t) => t.start_to_result_ms),
      baseline_start_request_ms: latencies(baselineJobs, (t) => t.start_ms),
      ordo_cpu_ms_per_job: cpuPerJob(
        throughput.ordo.map((r) => r.cpu_ms),
        config.jobs,
      ),
      one_request: {
        ordo_jobs_per_s: ordoOneRate,
        ordo_rounds_jobs_per_s: throughput.ordoOne.map((r) => round(config.jobs / r.seconds)),
        ratio: round(ordoOneRate / baselineRate, 3),
        ordo_job_ms: latencies(
          throughput.ordoOne.flatMap((r) => r.timings),
          (t) => t.start_to_result_ms,
        ),
        ordo_request_ms: latencies(
          throughput.ordoOne.flatMap((r) => r.timings),
          (t) => t.create_ms,
        ),
        ordo_cpu_ms_per_job: cpuPerJob(
          throughput.ordoOne.map((r) => r.cpu_ms),
          config.jobs,
        ),
      },
      baseline_cpu_ms_per_job: cpuPerJob(
        throughput.baseline.map((r) => r.cpu_ms),
        config.jobs,
      ),
    },
  };
}

interface ThroughputRound<T> {
  seconds: number;
  /** CPU used by each process during the round. */
  cpu_ms: Record<string, number>;
  timings: T[];
}

function latencies<T>(items: readonly T[], of: (t: T) => number): { p50: number; p95: number } {
  const values = items.map(of);
  return { p50: round(median(values), 1), p95: round(percentile(values, 95), 1) };
}

/** The median CPU per job of each process over the rounds, and their sum. */
function cpuPerJob(rounds: readonly Record<string, number>[], jobs: number): Record<string, number> {
  const names = [...new Set(rounds.flatMap((r) => Object.keys(r)))];
  const perJob: Record<string, number> = Object.fromEntries(
    names.map((n) => [n, round(median(rounds.map((r) => (r[n] ?? 0) / jobs)), 1)]),
  );
  perJob.total = round(
    Object.values(perJob).reduce((a, b) => a + b, 0),
    1,
  );
  return perJob;
}

/** The event counts by type of the first run (every run of one kind has the same shape). */
function pick(histories: readonly HistoryCount[]): Record<string, number> {
  return histories[0]?.by_type ?? {};
}
