/**
 * The long-run benchmark: one Ordo job of 10,000 steps through the HTTP API on a fresh
 * Temporal dev server with its default limits, which no single Temporal history holds; the
 * run continues as new when Temporal suggests it. Reports the wall time, how many times it
 * continued, the most events any execution's history held, the largest payload Ordo sent
 * Temporal and the largest query answer; writes bench/results/long-latest.json. See bench/README.md.
 *
 *   pnpm bench:long [--steps 10000] [--no-write]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runStateQuery } from '@ordo/core';
import { chainOf, type ChainExecution } from './long-run';
import { startStack } from './stack';
import { checkout } from './git';
import { getJson, postJson } from './ordo-jobs';
import { machineInfo } from './machine';

const benchRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: { steps: { type: 'string', default: '10000' }, 'no-write': { type: 'boolean', default: false } },
});
const steps = Number(flags.steps);
if (!Number.isInteger(steps) || steps < 1 || steps > 10_000)
  throw new Error(`--steps must be a whole number from 1 to 10000, got '${flags.steps}'`);
const log = (line: string): void => console.error(`bench:long: ${line}`);

/** What one long run measured. */
interface LongRunResult {
  date: string;
  commit: string;
  dirty: boolean;
  machine: { cores: number; cpu: string; node: string; load_before: number; load_after: number };
  steps: number;
  wall_ms: number;
  steps_per_s: number;
  executions: number;
  continued_as_new: number;
  max_events_per_execution: number;
  total_events: number;
  largest_payload: { bytes: number; event: string };
  largest_query_answer_bytes: number;
  status: string;
  output_count: unknown;
  chain: ChainExecution[];
}

const load_before = loadavg()[0]!;
// A 10,000-step definition is about 1.2 MB of JSON: above the API's default 1 MiB body limit.
const stack = await startStack(
  { fileDb: false, baseline: false, ordoEnv: { ORDO_MAX_JSON_BYTES: String(16 * 1024 * 1024) } },
  log,
);
try {
  const { client, api } = stack;
  const workflowId = `bench_long_${steps}`;
  await postJson(
    api,
    '/v1/workflows',
    {
      workflow_id: workflowId,
      name: `Bench: ${steps} counting steps`,
      status: 'PUBLISHED',
      steps: Array.from({ length: steps }, (_, i) => ({
        step_id: `s${i + 1}`,
        tool: { tool_id: 'noop', name: 'noop' },
        parameter_mappings: { value: i === 0 ? { const: 1 } : { expr: 'count + 1' } },
        output_mappings: { value: 'count' },
      })),
      output_variables: ['count'],
    },
    201,
  );
  const job = (await postJson(api, '/v1/jobs', { workflow_id: workflowId, name: 'long bench job' }, 201)) as {
    job_id: string;
  };
  const t0 = performance.now();
  await postJson(api, `/v1/jobs/${job.job_id}/start`, {}, 202);
  // The job run is the chain's first execution.
  const described = await client.workflow.getHandle(job.job_id).describe();
  const firstRunId = described.raw.workflowExecutionInfo?.firstRunId || described.runId;
  log(`job ${job.job_id} started, run ${firstRunId}`);

  // Sample the live query while it runs: its answer must stay bounded however far the run is.
  let largestAnswer = 0;
  let done = false;
  const sampling = (async () => {
    let lastLog = 0;
    while (!done) {
      const answer = await client.workflow
        .getHandle(job.job_id)
        .query(runStateQuery)
        .catch(() => undefined);
      if (answer) {
        largestAnswer = Math.max(largestAnswer, JSON.stringify(answer).length);
        if (performance.now() - lastLog > 30_000) {
          lastLog = performance.now();
          log(
            `step ${answer.current_step_index + 1} of ${answer.total_steps}, ${Math.round((performance.now() - t0) / 1000)} s`,
          );
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  })();
  const result = (await client.workflow.getHandle(job.job_id).result()) as { status?: string };
  const wall = performance.now() - t0;
  done = true;
  await sampling;

  const view = (await getJson(api, `/v1/jobs/${job.job_id}`)) as { status: string; output_data: { count?: unknown } };
  if (result.status !== 'Completed' || view.status !== 'COMPLETED' || view.output_data.count !== steps) {
    throw new Error(
      `job ${job.job_id} ended ${String(result.status)} / ${view.status} with output ${JSON.stringify(view.output_data)}`,
    );
  }
  const chain = await chainOf(client, job.job_id, firstRunId);
  const largest = chain.reduce((a, b) => (b.largest_payload_bytes > a.largest_payload_bytes ? b : a));
  const report: LongRunResult = {
    date: new Date().toISOString(),
    ...checkout(),
    machine: {
      ...machineInfo(),
      load_before,
      load_after: loadavg()[0]!,
    },
    steps,
    wall_ms: Math.round(wall),
    steps_per_s: Math.round((steps / wall) * 1000 * 10) / 10,
    executions: chain.length,
    continued_as_new: chain.length - 1,
    max_events_per_execution: Math.max(...chain.map((e) => e.events)),
    total_events: chain.reduce((sum, e) => sum + e.events, 0),
    largest_payload: { bytes: largest.largest_payload_bytes, event: largest.largest_payload_event },
    largest_query_answer_bytes: largestAnswer,
    status: view.status,
    output_count: view.output_data.count,
    chain,
  };
  console.log(
    [
      `Ordo long-run benchmark, ${report.date} (commit ${report.commit}${report.dirty ? ', uncommitted changes' : ''})`,
      `machine: ${report.machine.cores} cores (${report.machine.cpu}), Node ${report.machine.node}; load (1 min) ${load_before.toFixed(2)} before, ${report.machine.load_after.toFixed(2)} after`,
      '',
      `job of ${steps} noop steps (each count + 1): ${report.status}, output count ${String(report.output_count)}`,
      `wall time (start request to result)   ${(report.wall_ms / 1000).toFixed(1)} s (${report.steps_per_s} steps/s)`,
      `executions (continue-as-new)          ${report.executions} (${report.continued_as_new})`,
      `history events, max per execution     ${report.max_events_per_execution} (total ${report.total_events}; Temporal's limit 51,200 per history)`,
      `largest payload in any history        ${report.largest_payload.bytes} bytes (${report.largest_payload.event})`,
      `largest runState query answer         ${report.largest_query_answer_bytes} bytes (sampled every 2 s)`,
    ].join('\n'),
  );
  if (!flags['no-write']) {
    const dir = join(benchRoot, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'long-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    log(`results written to ${join(dir, 'long-latest.json')}`);
  }
} finally {
  await stack.stop();
}
