import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporalAddress, type OrdoProcess } from '@ordo/testing';
import {
  FaultStack,
  launchAll,
  launchJob,
  measureScenario,
  newLaunch,
  publishSeedWorkflow,
  publishStepsWorkflow,
  type ApiAnswer,
  type ApiProcess,
  type JobKind,
  type ScenarioStack,
} from '../src/faults/index';

const log = (line: string): void => console.log(`database-outage: ${line}`);
const OUTAGE_MS = 20_000;
/** The one step of the drafts written during the outage. */
const DRAFT_STEP = {
  step_id: 's1',
  tool: { tool_id: 'tally', name: 'Tally' },
  parameter_mappings: { ms: { const: 1 }, value: { const: 'x' } },
  output_mappings: {},
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A problem body as the API sends it, the members read here. */
interface ProblemBody {
  code?: string;
  errors?: { field: string }[];
  checks?: Record<string, string>;
}

/**
 * PostgreSQL stopped at once (`pg_ctl stop -m immediate`, as a crash) for 20 s under a real API
 * process and a real worker process with jobs running, on a server of the test's own and the
 * run's Temporal. Both processes stay up; meanwhile the API answers what needs the database
 * with 503 problems naming it (`DATABASE_UNAVAILABLE`, `Retry-After`) and `/ready` names
 * `database`; once the server is back, without restarting anything, every job completes, none
 * lost, duplicated or run twice, and a launch refused during the outage goes through when its
 * client retries it with the same key.
 */
describe('a PostgreSQL outage under the API and a worker', () => {
  let stack: FaultStack;
  let scenario: ScenarioStack;
  let api: ApiProcess;
  let worker: OrdoProcess;
  let steps: JobKind;
  let seed: JobKind;

  beforeAll(async () => {
    // No `postgresUrl`: the stack starts a PostgreSQL of its own, which it can halt and resume.
    stack = await FaultStack.start({ temporalAddress: temporalAddress(), log });
    scenario = await stack.scenario('dbo-test');
    [api, worker] = await Promise.all([scenario.startApi(), scenario.startWorker()]);
    steps = await publishStepsWorkflow(api.http, 4, 2000);
    seed = await publishSeedWorkflow(api.http);
  });

  afterAll(async () => {
    await scenario?.stop();
    await stack?.stop();
  });

  it(
    'keeps both processes up, answers 503 problems naming the database meanwhile, and completes every job after',
    { timeout: 480_000 },
    async () => {
      const launches = Array.from({ length: 8 }, (_, i) =>
        newLaunch('dbt', i, i % 4 === 3 ? seed : steps, i % 2 === 0 ? 'two-requests' : 'one-request'),
      );
      await launchAll(() => api.http, launches, 8, Date.now() + 60_000);
      expect(
        launches.every((l) => l.ok),
        JSON.stringify(launches.map((l) => l.answers)),
      ).toBe(true);
      // Mid-run: each job is in its first or second step (2 s each).
      await sleep(1500);

      const postgres = stack.postgres!;
      const start = Date.now();
      await postgres.halt();
      // A client creating and starting a job while the database is down, retrying with its key as told.
      const during = newLaunch('dbt-during', 0, steps, 'one-request');
      const duringLaunched = launchJob(() => api.http, during, Date.now() + 120_000);
      const answers: { what: string; answer: ApiAnswer }[] = [];
      const probe = async (what: string, method: string, path: string, json?: unknown) =>
        answers.push({ what, answer: await api.http.send(method, path, { ...(json !== undefined && { json }) }) });
      while (Date.now() - start < OUTAGE_MS) {
        await Promise.all([
          probe('job', 'GET', `/v1/jobs/${launches[0]!.job_id!}`),
          probe('list', 'GET', '/v1/jobs?limit=5'),
          probe('workflow', 'POST', '/v1/workflows', {
            workflow_id: `during_${answers.length}`,
            name: 'during',
            status: 'DRAFT',
            input_variables: [],
            steps: [DRAFT_STEP],
          }),
          probe('pause', 'POST', `/v1/jobs/${launches[1]!.job_id!}/pause`),
          probe('ready', 'GET', '/ready'),
        ]);
        await sleep(1000);
      }
      const alive = [api.process, worker].map((p) => p.child.exitCode === null && p.child.signalCode === null);
      await postgres.resume();
      const end = Date.now();
      log(
        `PostgreSQL down ${end - start} ms; answers meanwhile: ${JSON.stringify(answers.map(({ what, answer }) => `${what} ${answer.status} ${(answer.body as ProblemBody).code ?? ''}`))}`,
      );

      expect(alive, [api.process, worker].map((p) => p.output().slice(-2000)).join('\n---\n')).toEqual([true, true]);
      expect(scenario.exits).toEqual([]);
      for (const { what, answer } of answers) {
        const body = answer.body as ProblemBody;
        expect(answer.status, `${what}: ${JSON.stringify(body)}`).toBe(503);
        if (what === 'ready') {
          expect(body.code).toBe('NOT_READY');
          expect(body.checks?.database).toBe('unavailable');
        } else {
          expect(body.code, what).toBe('DATABASE_UNAVAILABLE');
          expect(
            body.errors?.map((e) => e.field),
            what,
          ).toEqual(['database']);
          expect(answer.retry_after_s, what).toBeGreaterThan(0);
        }
      }
      expect(answers.filter((a) => a.what === 'job').length).toBeGreaterThan(5);

      // Nothing restarted: the same processes carry every job to its end.
      await duringLaunched;
      expect(during.ok, during.answers.join('; ')).toBe(true);
      expect(during.answers[0]).toBe('create+start 503: DATABASE_UNAVAILABLE');
      const measures = await measureScenario({
        http: api.http,
        client: stack.temporal.client,
        taskQueue: scenario.taskQueue,
        ledgerPath: scenario.ledgerPath,
        launches: [...launches, during],
        faults: [{ what: 'PostgreSQL stopped', start, end }],
        settleMs: 150_000,
        log,
        exits: () => scenario.exits,
      });
      log(JSON.stringify(measures));
      const { completed, failed, stuck, lost, duplicated, steps_run_again, contract_violations, unexpected_exits } =
        measures;
      expect(
        { completed, failed, stuck, lost, duplicated, steps_run_again, contract_violations, unexpected_exits },
        JSON.stringify(measures.examples, null, 1),
      ).toEqual({
        completed: launches.length + 1,
        failed: 0,
        stuck: 0,
        lost: 0,
        duplicated: 0,
        steps_run_again: 0,
        contract_violations: 0,
        unexpected_exits: 0,
      });
    },
  );
});
