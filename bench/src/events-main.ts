/**
 * The event stream bench: jobs of sleep steps on the real stack (a fresh Temporal dev server,
 * Ordo's worker and API as `./ordo dev` runs them, SQLite), each job's event stream
 * (`GET /v1/jobs/{job_id}/events`) held by subscribers opened before it starts: first one
 * per job (the baseline), then `--subscribers` over as many jobs, in the same run. Reports
 * the delay from an event's commit to its arrival at each subscriber (p99 of `step.completed`
 * against the 500 ms) and the API's CPU per event, read from `/proc`. No timed
 * assertion. Prints a table and writes bench/results/events-latest.json (and a dated copy).
 *
 *   pnpm bench:events [--subscribers 200] [--jobs 20] [--steps 3] [--step-ms 1500] [--no-write]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { treeCpuMs } from './cpu';
import { measureEvents } from './events/measure';
import { formatEventsReport, type EventsResult } from './events/report';
import { integerFlag } from './flags';
import { checkout } from './git';
import { machineInfo } from './machine';
import { writeResults } from './results';
import { startStack } from './stack';

const { values: flags } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '200' },
    jobs: { type: 'string', default: '20' },
    steps: { type: 'string', default: '3' },
    'step-ms': { type: 'string', default: '1500' },
    'poll-ms': { type: 'string', default: '150' },
    'no-write': { type: 'boolean', default: false },
  },
});
const config = {
  subscribers: integerFlag('subscribers', flags.subscribers, 1),
  jobs: integerFlag('jobs', flags.jobs, 1),
  steps: integerFlag('steps', flags.steps, 1),
  step_ms: integerFlag('step-ms', flags['step-ms'], 0),
};
const pollMs = integerFlag('poll-ms', flags['poll-ms'], 10);
const log = (line: string): void => console.error(`bench:events: ${line}`);

const load_1m_before = loadavg()[0]!;
const stack = await startStack(
  {
    fileDb: false,
    baseline: false,
    // Every subscriber holds its stream with the same key.
    ordoEnv: {
      ORDO_EVENT_STREAMS_PER_KEY: String(config.subscribers + config.jobs),
      ORDO_EVENT_POLL_MS: String(pollMs),
    },
  },
  log,
);
try {
  const figures = await measureEvents(stack.api, config, () => treeCpuMs(stack.pids()['ordo-api']), log);
  const { commit, dirty } = checkout();
  const result: EventsResult = {
    date: new Date().toISOString(),
    commit,
    dirty,
    machine: { ...machineInfo(), load_1m_before, load_1m_after: loadavg()[0]! },
    config: { ...config, poll_ms: pollMs },
    figures,
  };
  console.log(formatEventsReport(result));
  if (!flags['no-write']) log(`results written to ${writeResults('events-latest', result.date, result)}`);
} finally {
  await stack.stop();
}
