import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pollUntil, temporalAddress, type OrdoProcess } from '@ordo/testing';
import {
  FaultStack,
  launchAll,
  measureScenario,
  newLaunch,
  publishSeedWorkflow,
  publishStepsWorkflow,
  type ApiProcess,
  type JobKind,
  type Launch,
  type OrdoHttp,
  type ScenarioStack,
} from '../src/faults/index';

const log = (line: string): void => console.log(`multi-process: ${line}`);

interface JobView {
  job_id: string;
  status: string;
  error_message?: string;
  execution_progress: { current_step: number; total_steps: number; is_paused: boolean };
  steps: { status: string }[];
}

/**
 * Several processes on one database: two API processes and two workers on one task queue, on
 * the run's PostgreSQL (a database of the test's own) and the run's Temporal server. Jobs are
 * created on one API and started on the other, controlled through either, and one key sent to
 * both gets one job; the jobs run on both workers. Then one worker and one API are SIGKILLed
 * under load and what was in flight is retried through the other API with the same keys:
 * nothing is lost or run twice.
 */
describe('two APIs and two workers on one database', () => {
  let stack: FaultStack;
  let scenario: ScenarioStack;
  let apis: ApiProcess[];
  let workers: OrdoProcess[];
  let steps: JobKind;
  let seed: JobKind;
  const launches: Launch[] = [];
  /** Alternates the APIs: a launch's create goes to one, its start (the next request) to the other. */
  const alternate =
    (offset: number) =>
    (attempt: number): OrdoHttp =>
      apis[(offset + attempt) % 2]!.http;

  beforeAll(async () => {
    stack = await FaultStack.start({ postgresUrl: inject('postgresUrl'), temporalAddress: temporalAddress(), log });
    scenario = await stack.scenario('multi');
    const started = await Promise.all([
      scenario.startApi(),
      scenario.startApi(),
      scenario.startWorker(),
      scenario.startWorker(),
    ]);
    apis = [started[0], started[1]];
    workers = [started[2], started[3]];
    steps = await publishStepsWorkflow(apis[0]!.http, 3, 1500);
    seed = await publishSeedWorkflow(apis[1]!.http);
  });

  afterAll(async () => {
    await scenario?.stop();
    await stack?.stop();
  });

  it('creates on one API and starts on the other; one key sent to both makes one job; the jobs run on both workers', async () => {
    const batch = Array.from({ length: 12 }, (_, i) =>
      newLaunch('mp1', i, i % 3 === 2 ? seed : steps, i % 4 === 3 ? 'one-request' : 'two-requests'),
    );
    launches.push(...batch);
    await launchAll((attempt) => alternate(0)(attempt), batch.slice(0, 6), 6, Date.now() + 60_000);
    await launchAll((attempt) => alternate(1)(attempt), batch.slice(6), 6, Date.now() + 60_000);
    expect(
      batch.every((l) => l.ok),
      JSON.stringify(batch.map((l) => l.answers)),
    ).toBe(true);
    // Each two-request launch went to both APIs: its create to one, its start to the other.
    expect(batch.filter((l) => l.mode === 'two-requests').every((l) => l.answers.length === 2)).toBe(true);

    // The same create, with the same key, sent to the other API: the first answer again, no second job.
    const again = batch[0]!;
    const replay = await apis[1]!.http.send('POST', '/v1/jobs', {
      json: { workflow_id: again.kind.workflow_id, name: again.name },
      key: again.keys[0],
    });
    expect(replay).toMatchObject({ status: 201, replayed: true, body: { job_id: again.job_id } });
    const oneRequest = batch.find((l) => l.mode === 'one-request')!;
    const replayed = await apis[0]!.http.send('POST', '/v1/jobs', {
      json: {
        workflow_id: oneRequest.kind.workflow_id,
        name: oneRequest.name,
        input_values: oneRequest.kind.input_values,
        start: true,
      },
      key: oneRequest.keys[0],
    });
    expect(replayed).toMatchObject({ status: 202, replayed: true, body: { job_id: oneRequest.job_id } });

    const ended = await pollUntil(
      () => Promise.all(batch.map((l) => apis[0]!.http.get<JobView>(`/v1/jobs/${l.job_id!}`))),
      (jobs) => jobs.every((j) => j.status === 'COMPLETED' || j.status === 'FAILED'),
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(ended.map((j) => j.status)).toEqual(batch.map(() => 'COMPLETED'));

    // Who ran what, from Temporal's histories: the identity of each worker that completed a workflow task or started an activity.
    const identities = new Set<string>();
    for (const launch of batch) {
      const history = await stack.temporal.client.workflow.getHandle(launch.job_id!).fetchHistory();
      for (const event of history.events ?? []) {
        const identity =
          event.activityTaskStartedEventAttributes?.identity ?? event.workflowTaskCompletedEventAttributes?.identity;
        if (identity) identities.add(identity.split('@')[0]!);
      }
    }
    expect([...identities].sort()).toEqual(workers.map((w) => String(w.child.pid)).sort());
  });

  it('pauses, resumes and cancels through either API, a control key sent to both applying once', async () => {
    // Steps long enough that the controls meet the jobs running, whatever the machine's load.
    const slow = await publishStepsWorkflow(apis[1]!.http, 3, 4000);
    const [paused, cancelled] = [
      newLaunch('mp-control', 0, slow, 'two-requests'),
      newLaunch('mp-control', 1, slow, 'two-requests'),
    ];
    await launchAll((attempt) => alternate(0)(attempt), [paused, cancelled], 2, Date.now() + 60_000);
    expect([paused.ok, cancelled.ok]).toEqual([true, true]);

    const pause = await apis[0]!.http.send('POST', `/v1/jobs/${paused.job_id!}/pause`, { key: 'mp-pause' });
    expect(pause.status, JSON.stringify(pause.body)).toBe(200);
    expect(await apis[1]!.http.send('POST', `/v1/jobs/${paused.job_id!}/pause`, { key: 'mp-pause' })).toMatchObject({
      status: 200,
      replayed: true,
    });
    const held = await apis[1]!.http.get<JobView>(`/v1/jobs/${paused.job_id!}`);
    expect(held.execution_progress.is_paused).toBe(true);
    // Paused at the next step boundary: the step running ends, and no other starts while it is paused.
    const boundary = await pollUntil(
      () => apis[1]!.http.get<JobView>(`/v1/jobs/${paused.job_id!}`),
      (j) => !j.steps.some((st) => st.status === 'RUNNING'),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(boundary).toMatchObject({ status: 'RUNNING', execution_progress: { is_paused: true } });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const still = await apis[0]!.http.get<JobView>(`/v1/jobs/${paused.job_id!}`);
    expect(still.execution_progress).toEqual(boundary.execution_progress);
    expect(still.steps.map((st) => st.status)).toEqual(boundary.steps.map((st) => st.status));
    const resume = await apis[1]!.http.send('POST', `/v1/jobs/${paused.job_id!}/resume`, { key: 'mp-resume' });
    expect(resume.status, JSON.stringify(resume.body)).toBe(200);

    const cancel = await apis[1]!.http.send('POST', `/v1/jobs/${cancelled.job_id!}/cancel`, { key: 'mp-cancel' });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(202);
    expect(
      await apis[0]!.http.send('POST', `/v1/jobs/${cancelled.job_id!}/cancel`, { key: 'mp-cancel' }),
    ).toMatchObject({ status: 202, replayed: true });

    const done = await pollUntil(
      () => Promise.all([paused, cancelled].map((l) => apis[0]!.http.get<JobView>(`/v1/jobs/${l.job_id!}`))),
      (jobs) => jobs.every((j) => j.status !== 'RUNNING'),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(done.map((j) => [j.status, j.error_message])).toEqual([
      ['COMPLETED', undefined],
      ['FAILED', 'Job cancelled by user'],
    ]);
  });

  it(
    'loses nothing and runs nothing twice when one worker and one API are SIGKILLed under load',
    { timeout: 420_000 },
    async () => {
      const batch = Array.from({ length: 24 }, (_, i) =>
        newLaunch('mp2', i, i % 3 === 2 ? seed : steps, i % 2 === 0 ? 'two-requests' : 'one-request'),
      );
      launches.push(...batch);
      // Well past the lease (10 s unrenewed) after which a request whose API died frees its key.
      const launched = launchAll((attempt) => alternate(0)(attempt), batch, batch.length, Date.now() + 120_000);
      await pollUntil(
        () => Promise.resolve(batch.filter((l) => l.done_at !== undefined).length),
        (n) => n >= 8,
        { timeoutMs: 60_000, intervalMs: 5 },
      );
      const at = Date.now();
      await Promise.all([scenario.kill(workers[0]!), scenario.kill(apis[0]!.process)]);
      log(
        `worker ${workers[0]!.child.pid} and API ${apis[0]!.port} SIGKILLed with ${batch.filter((l) => l.done_at === undefined).length} launches unanswered`,
      );
      await launched;
      // Whatever was sent to the dead API was retried on the other one.
      const retried = batch.filter((l) => l.answers.some((a) => a.includes(' 0: ')));
      log(`${retried.length} launches retried through the other API`);

      const measures = await measureScenario({
        http: apis[1]!.http,
        client: stack.temporal.client,
        taskQueue: scenario.taskQueue,
        ledgerPath: scenario.ledgerPath,
        launches,
        faults: [{ what: 'worker and API SIGKILL', start: at, end: at }],
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
        completed: launches.length,
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
