import type { JobEvent } from '@ordo/core';
import { SseReader, withApiKey } from '@ordo/testing';
import { postJson } from '../ordo-jobs';
import { percentile, round } from '../stats';

/** What the events bench runs: jobs of sleep steps, each job's stream held by subscribers. */
export interface EventsConfig {
  /** Jobs running at once, each of `steps` steps of the test tool `sleep` (`step_ms` each). */
  jobs: number;
  steps: number;
  step_ms: number;
  /** Subscribers under load, spread evenly over the jobs (the baseline holds one per job). */
  subscribers: number;
}

/** The figures of one phase: its subscribers, the delays they saw, the API's CPU. */
export interface EventsPhase {
  subscribers: number;
  jobs: number;
  /** Distinct events the jobs wrote (what the API's reader read from the log). */
  events_written: number;
  /** Events received, summed over the subscribers. */
  events_delivered: number;
  /** Delay from the event row's commit to its arrival (ms), `step.completed` only: p50/p95/p99/max. */
  step_completed_ms: { count: number; p50: number; p95: number; p99: number; max: number };
  /** The same over every event type. */
  all_ms: { count: number; p50: number; p95: number; p99: number; max: number };
  /** p99 delay (ms) of each event type. */
  p99_ms_by_type: Record<string, number>;
  /** CPU of the API process tree over the phase (ms), per event delivered and per event written. */
  api_cpu_ms: number;
  api_cpu_ms_per_delivered: number;
  api_cpu_ms_per_written: number;
  /** CPU of the bench process (the subscribers' side) over the phase (ms). */
  bench_cpu_ms: number;
  wall_ms: number;
}

/** The two phases: one subscriber per job (the baseline), then `subscribers` over the same number of jobs. */
export interface EventsFigures {
  baseline: EventsPhase;
  load: EventsPhase;
}

/** Reads the API process tree's CPU time (ms) so far. */
export type CpuReading = () => number | undefined;

/** A PUBLISHED workflow of `steps` sleep steps of `ms` each (the sleep tool reports progress each second). */
export async function createSleepWorkflow(api: string, steps: number, ms: number): Promise<string> {
  const workflowId = `bench_events_${steps}x${ms}`;
  await postJson(
    api,
    '/v1/workflows',
    {
      workflow_id: workflowId,
      name: `Bench: ${steps} sleep steps of ${ms} ms`,
      status: 'PUBLISHED',
      input_variables: [],
      steps: Array.from({ length: steps }, (_, i) => ({
        step_id: `sleep_${i + 1}`,
        tool: { tool_id: 'sleep', name: 'Sleep' },
        parameter_mappings: { ms: { const: ms } },
        output_mappings: {},
      })),
    },
    201,
  );
  return workflowId;
}

/**
 * One phase: creates `jobs` jobs, opens `subscribers` streams (`GET /v1/jobs/{id}/events`,
 * subscriber i on job i mod jobs) before the jobs start, starts them all, and reads every
 * stream to its end. An event's delay is its arrival time less its `at`: the time its writer
 * stamped on the row, in the statement that committed it (the same machine's clock), so the
 * delay includes the commit itself.
 */
export async function measurePhase(
  api: string,
  workflowId: string,
  config: { jobs: number; subscribers: number },
  apiCpu: CpuReading,
): Promise<EventsPhase> {
  const jobIds: string[] = [];
  for (let i = 0; i < config.jobs; i++) {
    const job = (await postJson(api, '/v1/jobs', { workflow_id: workflowId, name: `events ${i}` }, 201)) as {
      job_id: string;
    };
    jobIds.push(job.job_id);
  }
  const streams = await Promise.all(
    Array.from({ length: config.subscribers }, async (_, i) => {
      const jobId = jobIds[i % jobIds.length]!;
      const res = await fetch(`${api}/v1/jobs/${jobId}/events`, withApiKey());
      if (res.status !== 200) throw new Error(`stream of ${jobId}: ${res.status} ${await res.text()}`);
      return { jobId, reader: new SseReader(res) };
    }),
  );
  const cpuBefore = apiCpu();
  const benchBefore = process.cpuUsage();
  const t0 = performance.now();
  const reading = streams.map(async ({ jobId, reader }) => {
    const seen: { event: JobEvent; delay: number }[] = [];
    for (;;) {
      const event = await reader.nextEvent();
      if (event === undefined) break;
      seen.push({ event, delay: Date.now() - Date.parse(event.at) });
    }
    return { jobId, seen };
  });
  for (const jobId of jobIds) await postJson(api, `/v1/jobs/${jobId}/start`, {}, 202);
  const received = await Promise.all(reading);
  const wall = performance.now() - t0;
  const cpuAfter = apiCpu();
  const bench = process.cpuUsage(benchBefore);

  // Every subscriber of a job saw the same events, each once, ending with the job's ending.
  const written = new Map<string, number[]>();
  for (const { jobId, seen } of received) {
    const ids = seen.map((s) => s.event.event_id);
    const first = written.get(jobId);
    if (first === undefined) written.set(jobId, ids);
    else if (JSON.stringify(first) !== JSON.stringify(ids))
      throw new Error(`subscribers of ${jobId} saw different events: ${first.join(',')} / ${ids.join(',')}`);
    if (seen.at(-1)?.event.type !== 'job.completed') throw new Error(`job ${jobId}'s stream did not end completed`);
  }
  const all = received.flatMap((r) => r.seen.map((s) => s.delay));
  const completed = received.flatMap((r) =>
    r.seen.filter((s) => s.event.type === 'step.completed').map((s) => s.delay),
  );
  const byType = new Map<string, number[]>();
  for (const { seen } of received)
    for (const { event, delay } of seen) byType.set(event.type, [...(byType.get(event.type) ?? []), delay]);
  const eventsWritten = [...written.values()].reduce((n, ids) => n + ids.length, 0);
  const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : Number.NaN;
  return {
    subscribers: config.subscribers,
    jobs: config.jobs,
    events_written: eventsWritten,
    events_delivered: all.length,
    step_completed_ms: distribution(completed),
    all_ms: distribution(all),
    p99_ms_by_type: Object.fromEntries([...byType].map(([type, delays]) => [type, percentile(delays, 99)])),
    api_cpu_ms: round(cpu, 1),
    api_cpu_ms_per_delivered: round(cpu / all.length, 3),
    api_cpu_ms_per_written: round(cpu / eventsWritten, 3),
    bench_cpu_ms: round((bench.user + bench.system) / 1000, 1),
    wall_ms: round(wall, 0),
  };
}

/** The baseline (one subscriber per job), then the load (`subscribers` over as many jobs). */
export async function measureEvents(
  api: string,
  config: EventsConfig,
  apiCpu: CpuReading,
  log: (line: string) => void,
): Promise<EventsFigures> {
  const workflowId = await createSleepWorkflow(api, config.steps, config.step_ms);
  log(`warm-up: 1 job, 1 subscriber`);
  await measurePhase(api, workflowId, { jobs: 1, subscribers: 1 }, apiCpu);
  log(`baseline: ${config.jobs} jobs, 1 subscriber each`);
  const baseline = await measurePhase(api, workflowId, { jobs: config.jobs, subscribers: config.jobs }, apiCpu);
  log(`load: ${config.jobs} jobs, ${config.subscribers} subscribers`);
  const load = await measurePhase(api, workflowId, { jobs: config.jobs, subscribers: config.subscribers }, apiCpu);
  return { baseline, load };
}

function distribution(values: readonly number[]) {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
  };
}
