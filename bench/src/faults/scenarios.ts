import { hostname } from 'node:os';
import { join } from 'node:path';
import type { OrdoProcess } from '@ordo/testing';
import { AttemptWatch } from './attempt-watch';
import type { FaultWindow } from './fault-window';
import type { OrdoHttp } from './http';
import { measureScenario, type ScenarioMeasures } from './scenario-measures';
import type { ApiProcess, FaultStack, ScenarioStack } from './stack';
import {
  launchAll,
  newLaunch,
  publishSeedWorkflow,
  publishStepsWorkflow,
  type JobKind,
  type Launch,
  type LaunchMode,
} from './workload';

/** The fault suite's scenarios, in the order the suite runs them. */
export const SCENARIO_NAMES = [
  'worker-kill-activity',
  'worker-kill-workflow-task',
  'temporal-kill',
  'api-kill-idempotent',
  'database-outage',
  'small-cache',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** What a scenario did and measured. */
export interface ScenarioResult {
  name: ScenarioName;
  /** One line: the load and the fault. */
  description: string;
  faults: FaultWindow[];
  measures: ScenarioMeasures;
  duration_s: number;
}

/** How big a scenario is: jobs in flight (the suite 30–100, the test's short form about 10). */
export interface ScenarioOptions {
  jobs: number;
  log: (line: string) => void;
  /** Where to write the scenario's histories and its Ordo processes' output (`<dir>/<scenario>/`), for reading; nowhere when unset. */
  historiesDir?: string;
}

/** A worker's identity as Temporal records it: the SDK's default, `<pid>@<host>`. */
const identityOf = (p: OrdoProcess): string => `${p.child.pid}@${hostname()}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
/** How long jobs have, after the last fault ended, to end. */
const SETTLE_MS = 150_000;
/**
 * The scenarios that kill workers, whose recoveries are timed per task: they watch for the
 * activity attempts a history does not keep (see `AttemptWatch`). Elsewhere the watch would
 * only add load.
 */
const WATCHES_ATTEMPTS: ReadonlySet<ScenarioName> = new Set(['worker-kill-activity', 'worker-kill-workflow-task']);

/** Runs one scenario on its own database, data folder, task queue and processes, and measures it. */
export async function runScenario(
  stack: FaultStack,
  name: ScenarioName,
  options: ScenarioOptions,
): Promise<ScenarioResult> {
  const t0 = Date.now();
  const scenario = await stack.scenario(name);
  const watch = WATCHES_ATTEMPTS.has(name) ? AttemptWatch.start(stack.temporal.client, scenario.taskQueue) : undefined;
  try {
    const run = SCENARIOS[name];
    const { description, faults, launches, http } = await run(scenario, options);
    options.log(`${name}: measuring`);
    const historiesDir = options.historiesDir === undefined ? undefined : join(options.historiesDir, name);
    const measures = await measureScenario({
      http,
      client: stack.temporal.client,
      taskQueue: scenario.taskQueue,
      ledgerPath: scenario.ledgerPath,
      launches,
      faults,
      settleMs: SETTLE_MS,
      log: options.log,
      exits: () => scenario.exits,
      ...(historiesDir !== undefined && { historiesDir }),
      ...(watch !== undefined && {
        earlierStarts: (runId: string, activityId: string) => watch.startsOf(runId, activityId),
      }),
    });
    if (historiesDir !== undefined) await scenario.writeOutputs(historiesDir);
    return { name, description, faults, measures, duration_s: Math.round((Date.now() - t0) / 1000) };
  } finally {
    await watch?.stop();
    await scenario.stop();
  }
}

interface ScenarioRun {
  description: string;
  faults: FaultWindow[];
  launches: Launch[];
  /** The API the measures read through (up after the faults). */
  http: OrdoHttp;
}

type Scenario = (scenario: ScenarioStack, options: ScenarioOptions) => Promise<ScenarioRun>;

/** `count` launches, a third of them the seed workflow (at least one), the rest `steps`; alternately in two requests and in one. */
function mixedLaunches(
  tag: string,
  count: number,
  seed: JobKind,
  steps: JobKind,
  modes: readonly LaunchMode[] = ['two-requests'],
): Launch[] {
  const isSeed = (i: number): boolean => i % 3 === 2 || (count < 3 && i === count - 1);
  return Array.from({ length: count }, (_, i) => newLaunch(tag, i, isSeed(i) ? seed : steps, modes[i % modes.length]!));
}

/** What a scenario runs: its jobs' chain of `tally` steps, how many workers, and how its launches are sent. */
interface Load {
  tag: string;
  jobs: number;
  steps: number;
  ms: number;
  workers: number;
  modes?: readonly LaunchMode[];
  workerEnv?: Record<string, string>;
}

/** Starts the scenario's API and workers, publishes its two workflows, and makes (does not send) its launches. */
async function prepare(
  scenario: ScenarioStack,
  load: Load,
): Promise<{ api: ApiProcess; workers: OrdoProcess[]; launches: Launch[] }> {
  const [api, workers] = await Promise.all([
    scenario.startApi(),
    Promise.all(Array.from({ length: load.workers }, () => scenario.startWorker(load.workerEnv))),
  ]);
  const steps = await publishStepsWorkflow(api.http, load.steps, load.ms);
  const seed = await publishSeedWorkflow(api.http);
  return { api, workers, launches: mixedLaunches(load.tag, load.jobs, seed, steps, load.modes) };
}

const SCENARIOS: Record<ScenarioName, Scenario> = {
  /**
   * Two workers; jobs of 3 tally steps of 6 s and seed jobs; once the launches are answered
   * and the steps are sleeping, one worker is SIGKILLed: its attempts are lost mid-activity
   * and must be retried on the other within the heartbeat timeout.
   */
  async 'worker-kill-activity'(scenario, { jobs, log }) {
    const { api, workers, launches } = await prepare(scenario, { tag: 'wka', jobs, steps: 3, ms: 6000, workers: 2 });
    await launchAll(() => api.http, launches, 25, Date.now() + 120_000);
    await sleep(2500);
    const at = Date.now();
    await scenario.kill(workers[0]!);
    log(
      `worker-kill-activity: one of two workers SIGKILLed ${seconds(at - launches[0]!.sent_at)} after the first launch`,
    );
    return {
      description: `${jobs} jobs (3 tally steps of 6 s, and seed jobs) on two workers; one worker SIGKILLed mid-activity`,
      faults: [{ what: 'worker SIGKILL', start: at, end: at, worker_identity: identityOf(workers[0]!) }],
      launches,
      http: api.http,
    };
  },

  /**
   * Two workers; jobs of 30 short tally steps (the workers mostly run workflow tasks) and seed
   * jobs; three times, at a random moment, a worker is SIGKILLed and replaced (the other
   * carries on meanwhile).
   */
  async 'worker-kill-workflow-task'(scenario, { jobs, log }) {
    const {
      api,
      workers: live,
      launches,
    } = await prepare(scenario, { tag: 'wkw', jobs, steps: 30, ms: 0, workers: 2 });
    const launched = launchAll(() => api.http, launches, 25, Date.now() + 120_000);
    const faults: FaultWindow[] = [];
    for (let k = 0; k < 3; k++) {
      await sleep(1500 + Math.random() * 3000);
      const victim = live.splice(Math.floor(Math.random() * live.length), 1)[0]!;
      const at = Date.now();
      await scenario.kill(victim);
      faults.push({ what: `worker SIGKILL ${k + 1}`, start: at, end: at, worker_identity: identityOf(victim) });
      log(`worker-kill-workflow-task: SIGKILL ${k + 1} of 3 at ${seconds(at - launches[0]!.sent_at)}`);
      // The replacement is polling before the next kill, so one worker always runs.
      live.push(await scenario.startWorker());
    }
    await launched;
    return {
      description: `${jobs} jobs (30 tally steps of 0 ms, and seed jobs) on two workers; a worker SIGKILLed and replaced 3 times at random moments`,
      faults,
      launches,
      http: api.http,
    };
  },

  /** One worker; jobs of 4 tally steps of 3 s and seed jobs; Temporal SIGKILLed mid-run, started again 5 s later on the same database. */
  async 'temporal-kill'(scenario, { jobs, log }) {
    const { api, launches } = await prepare(scenario, { tag: 'tk', jobs, steps: 4, ms: 3000, workers: 1 });
    await launchAll(() => api.http, launches, 25, Date.now() + 120_000);
    await sleep(2000);
    const start = Date.now();
    await scenario.stack.temporal.kill();
    await sleep(5000);
    await scenario.stack.temporal.restart();
    const end = Date.now();
    log(`temporal-kill: Temporal down ${seconds(end - start)}`);
    return {
      description: `${jobs} jobs (4 tally steps of 3 s, and seed jobs) on one worker; Temporal SIGKILLed and restarted on its database after 5 s`,
      faults: [{ what: 'Temporal SIGKILL', start, end }],
      launches,
      http: api.http,
    };
  },

  /**
   * All launches in flight at once (half create then start, half create with `start: true`,
   * every request with its idempotency key); the API SIGKILLed once a tenth have their
   * answers, started again at once; the client retries everything unanswered with the same keys.
   */
  async 'api-kill-idempotent'(scenario, { jobs, log }) {
    const { api, launches } = await prepare(scenario, {
      tag: 'aki',
      jobs,
      steps: 2,
      ms: 1000,
      workers: 1,
      modes: ['two-requests', 'one-request'],
    });
    // Well past the lease (10 s unrenewed) after which a dead request's key is freed, so a retry can run.
    const launched = launchAll(() => api.http, launches, jobs, Date.now() + 120_000);
    // Early, so that many requests are mid-way (a create written, its answer not yet stored).
    while (launches.filter((l) => l.done_at !== undefined).length < Math.max(1, Math.round(jobs / 10))) await sleep(5);
    const start = Date.now();
    await scenario.kill(api.process);
    const answered = launches.filter((l) => l.done_at !== undefined).length;
    // On the same port: the client's retries (and its record of undeclared answers) go on through `api.http`.
    await scenario.startApi(api.port);
    const end = Date.now();
    log(
      `api-kill-idempotent: API SIGKILLed with ${jobs - answered} of ${jobs} launches unanswered, back after ${seconds(end - start)}; retrying`,
    );
    await launched;
    log(`api-kill-idempotent: every launch answered ${seconds(Date.now() - end)} after the restart`);
    return {
      description: `${jobs} jobs (2 tally steps of 1 s, and seed jobs) created and started with idempotency keys, all in flight; the API SIGKILLed with ${jobs - answered} unanswered, restarted, everything retried`,
      faults: [{ what: 'API SIGKILL', start, end }],
      launches,
      http: api.http,
    };
  },

  /** One worker; jobs of 4 tally steps of 3 s and seed jobs; PostgreSQL stopped (immediate) for 20 s mid-run, then started again. */
  async 'database-outage'(scenario, { jobs, log }) {
    const postgres = scenario.stack.postgres;
    if (!postgres) throw new Error('database-outage needs a PostgreSQL server the stack runs itself');
    const { api, launches } = await prepare(scenario, { tag: 'dbo', jobs, steps: 4, ms: 3000, workers: 1 });
    await launchAll(() => api.http, launches, 25, Date.now() + 120_000);
    await sleep(2000);
    const start = Date.now();
    await postgres.halt();
    await sleep(20_000);
    await postgres.resume();
    const end = Date.now();
    log(`database-outage: PostgreSQL down ${seconds(end - start)}`);
    return {
      description: `${jobs} jobs (4 tally steps of 3 s, and seed jobs) on one worker; PostgreSQL stopped for 20 s mid-run`,
      faults: [{ what: 'PostgreSQL stopped', start, end }],
      launches,
      http: api.http,
    };
  },

  /** One worker with the smallest workflow cache (2; the SDK has none of 1): every job's workflow task replays its history. */
  async 'small-cache'(scenario, { jobs }) {
    const { api, launches } = await prepare(scenario, {
      tag: 'sc',
      jobs,
      steps: 15,
      ms: 0,
      workers: 1,
      workerEnv: { ORDO_WORKER_MAX_CACHED_WORKFLOWS: '2' },
    });
    await launchAll(() => api.http, launches, 25, Date.now() + 120_000);
    return {
      description: `${jobs} jobs (15 tally steps of 0 ms, and seed jobs) on one worker caching 2 workflows`,
      faults: [],
      launches,
      http: api.http,
    };
  },
};
