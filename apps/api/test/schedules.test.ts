import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '@ordo/core';
import { Job } from '@ordo/core';
import { pollUntil } from '@ordo/testing';
import {
  getJob,
  json,
  problem,
  publishWorkflow,
  startApiStack,
  toolStepDefinition,
  waitForEnd,
  type ApiStack,
} from './harness';
import type { Schedule } from '../src/schedules/schedule-schemas';

/** Schedules on the real dev server's Temporal Schedules, firing real jobs on a real worker. */
describe('schedules', () => {
  let stack: ApiStack;
  const suffix = Math.random().toString(36).slice(2, 8);
  const made: string[] = [];
  const WORKFLOW = 'sched_double';

  beforeAll(async () => {
    stack = await startApiStack('schedules', { deps: { temporalUiUrl: 'http://ui.test:8233/' } });
    await publishWorkflow(stack, WORKFLOW, {
      input_variables: [{ variable_id: 'n', name: 'n', schema: { type: 'number' }, required: true }],
      steps: [toolStepDefinition('double', 'noop', { value: { expr: 'n * 2' } }, { value: 'doubled' })],
      output_variables: ['doubled'],
    });
  });
  afterAll(async () => {
    // Temporal keeps schedules beyond this test's stack: remove them, whatever the test left.
    for (const id of made) await stack.request(`/v1/schedules/${id}`, { method: 'DELETE' });
    await stack.stop();
  });

  async function create(body: Record<string, unknown>): Promise<Schedule> {
    const res = await stack.request('/v1/schedules', json('POST', { workflow_id: WORKFLOW, ...body }));
    expect(res.status, await res.clone().text()).toBe(201);
    const schedule = (await res.json()) as Schedule;
    made.push(schedule.schedule_id);
    return schedule;
  }

  async function jobsOf(scheduleId: string): Promise<JobSummary[]> {
    const res = await stack.request(`/v1/jobs?schedule_id=${scheduleId}&limit=200`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: JobSummary[] }).items;
  }

  const waitForJobs = (scheduleId: string, count: number, timeoutMs = 90_000) =>
    pollUntil(
      () => jobsOf(scheduleId),
      (jobs) => jobs.length >= count,
      { timeoutMs, intervalMs: 250 },
    );

  it('fires jobs on an interval that run to COMPLETED with its inputs, carrying schedule_id and their Web UI link; pausing stops them', async () => {
    const id = `every2s_${suffix}`;
    const schedule = await create({
      schedule_id: id,
      name: 'doubling',
      input_values: { n: 21 },
      spec: { interval: '2s' },
    });
    expect(schedule).toMatchObject({
      schedule_id: id,
      workflow_id: WORKFLOW,
      workflow_version: null,
      name: 'doubling',
      input_values: { n: 21 },
      spec: { intervals: [{ every: '2s', offset: '0s' }] },
      policy: { overlap: 'SKIP' },
      paused: false,
      links: { temporal_ui: `http://ui.test:8233/namespaces/${stack.client.options.namespace}/schedules/${id}` },
    });
    const fired = await waitForJobs(id, 2);
    for (const summary of fired.slice(0, 2)) {
      const job = await waitForEnd(stack, summary.job_id);
      expect(job.status, job.error_message).toBe('COMPLETED');
      expect(job.job_id.startsWith(`${id}-`)).toBe(true);
      expect(job).toMatchObject({
        schedule_id: id,
        name: 'doubling',
        input_values: { n: 21 },
        output_data: { doubled: 42 },
      });
      expect(job.links.temporal_ui).toBe(
        `http://ui.test:8233/namespaces/${stack.client.options.namespace}/workflows/${encodeURIComponent(job.job_id)}/${job.runs[0]!.run_id}/history`,
      );
    }
    // Temporal's own record of the firing agrees: the job is the action's workflow.
    const seen = await pollUntil(
      async () => (await (await stack.request(`/v1/schedules/${id}`)).json()) as Schedule,
      (s) => s.recent_actions.length > 0,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(seen.recent_actions[0]!.job_id.startsWith(`${id}-`)).toBe(true);

    const paused = await stack.request(`/v1/schedules/${id}/pause`, json('POST', { note: 'maintenance' }));
    expect(paused.status).toBe(200);
    expect(await paused.json()).toMatchObject({ paused: true, note: 'maintenance' });
    // A firing already under way when the pause landed may still create its job: settle first.
    await new Promise((r) => setTimeout(r, 3000));
    const before = (await jobsOf(id)).length;
    await new Promise((r) => setTimeout(r, 6000));
    expect((await jobsOf(id)).length).toBe(before);

    // Triggered while paused: one job at once.
    const triggered = await stack.request(`/v1/schedules/${id}/trigger`, { method: 'POST' });
    expect(triggered.status, await triggered.clone().text()).toBe(202);
    const after = await waitForJobs(id, before + 1, 60_000);
    expect(after.length).toBe(before + 1);
    const job = await waitForEnd(stack, after[0]!.job_id);
    expect(job).toMatchObject({ status: 'COMPLETED', schedule_id: id, output_data: { doubled: 42 } });

    const unpaused = await stack.request(`/v1/schedules/${id}/unpause`, { method: 'POST' });
    expect(unpaused.status).toBe(200);
    expect(await unpaused.json()).toMatchObject({ paused: false });
    await waitForJobs(id, before + 2);

    // Deleted: it fires no more, and its jobs stay.
    const deleted = await stack.request(`/v1/schedules/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    await problem(await stack.request(`/v1/schedules/${id}`), 404);
    const kept = await jobsOf(id);
    expect(kept.length).toBeGreaterThanOrEqual(before + 2);
    expect((await getJob(stack, kept[0]!.job_id)).schedule_id).toBe(id);
  }, 240_000);

  it('backfills a past window: ALLOW_ALL starts one job per missed time, SKIP one at a time', async () => {
    const id = `hourly_${suffix}`;
    await create({ schedule_id: id, input_values: { n: 5 }, spec: { cron: ['0 * * * *'] }, paused: true });
    const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 1000);
    const start = new Date(end.getTime() - 3 * 3_600_000);
    const res = await stack.request(
      `/v1/schedules/${id}/backfill`,
      json('POST', { start_at: start.toISOString(), end_at: end.toISOString(), overlap: 'ALLOW_ALL' }),
    );
    expect(res.status, await res.clone().text()).toBe(202);
    const jobs = await waitForJobs(id, 3);
    expect(jobs.length).toBe(3);
    const hours = jobs.map((j) => j.job_id.slice(id.length + 1)).sort();
    // One job per hour of the window, each named by its scheduled time.
    expect(hours.map((h) => new Date(h).getUTCMinutes())).toEqual([0, 0, 0]);
    for (const j of jobs) expect((await waitForEnd(stack, j.job_id)).output_data).toEqual({ doubled: 10 });

    // SKIP: the first missed time starts a job; the others, due while it runs, are skipped.
    const skipId = `hourly_skip_${suffix}`;
    await create({ schedule_id: skipId, input_values: { n: 5 }, spec: { cron: ['0 * * * *'] }, paused: true });
    const skip = await stack.request(
      `/v1/schedules/${skipId}/backfill`,
      json('POST', { start_at: start.toISOString(), end_at: end.toISOString(), overlap: 'SKIP' }),
    );
    expect(skip.status).toBe(202);
    const [first] = await waitForJobs(skipId, 1);
    await waitForEnd(stack, first!.job_id);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await jobsOf(skipId)).length).toBe(1);
  }, 180_000);

  it('patches the inputs, version and spec; lists it', async () => {
    const id = `patch_${suffix}`;
    await create({
      schedule_id: id,
      input_values: { n: 1 },
      workflow_version: 1,
      spec: { cron: ['30 9 * * MON-FRI'], timezone: 'Europe/Paris' },
      paused: true,
    });
    const res = await stack.request(
      `/v1/schedules/${id}`,
      json('PATCH', {
        input_values: { n: 4 },
        workflow_version: null,
        spec: { interval: '1h', jitter: '30s' },
        policy: { overlap: 'BUFFER_ONE', catchup_window: '5m' },
      }),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({
      input_values: { n: 4 },
      workflow_version: null,
      spec: { calendars: [], intervals: [{ every: '1h' }], jitter: '30s' },
      policy: { overlap: 'BUFFER_ONE', catchup_window: '5m' },
      paused: true,
    });
    const triggered = await stack.request(`/v1/schedules/${id}/trigger`, json('POST', {}));
    expect(triggered.status).toBe(202);
    const [job] = await waitForJobs(id, 1);
    expect((await waitForEnd(stack, job!.job_id)).output_data).toEqual({ doubled: 8 });
    await problem(await stack.request(`/v1/schedules/${id}`, json('PATCH', { input_values: { n: 'four' } })), 422);
    const listed = await pollUntil(
      async () => ((await (await stack.request('/v1/schedules')).json()) as { items: Schedule[] }).items,
      (items) => items.some((s) => s.schedule_id === id),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(listed.find((s) => s.schedule_id === id)).toMatchObject({ input_values: { n: 4 } });
  }, 120_000);

  it('refuses a bad cron, time zone, interval or input with a 422 naming the field, and creates nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ input_values: { n: 1 }, spec: { cron: ['61 * * * *'] } }, 'spec.cron.0'],
      [{ input_values: { n: 1 }, spec: { cron: ['0 9 * * *'], timezone: 'Mars/Olympus' } }, 'spec.timezone'],
      [{ input_values: { n: 1 }, spec: { interval: 'often' } }, 'spec.interval'],
      [{ input_values: { n: 1 }, spec: { interval: '0s' } }, 'spec.interval'],
      [{ input_values: { n: 1 }, spec: {} }, 'spec.cron'],
      [{ input_values: { n: 'ten' }, spec: { interval: '1h' } }, 'input_values.n'],
      [{ input_values: {}, spec: { interval: '1h' } }, 'input_values.n'],
      [{ input_values: { n: 1 }, spec: { interval: '1h' }, policy: { catchup_window: '1s' } }, 'policy.catchup_window'],
    ];
    for (const [body, field] of cases) {
      const id = `bad_${suffix}_${cases.findIndex(([b]) => b === body)}`;
      const res = await stack.request(
        '/v1/schedules',
        json('POST', { schedule_id: id, workflow_id: WORKFLOW, ...body }),
      );
      const refused = await problem(res, 422);
      expect(
        refused.errors?.map((e) => e.field),
        JSON.stringify(body),
      ).toContain(field);
      await problem(await stack.request(`/v1/schedules/${id}`), 404);
    }
    await problem(
      await stack.request('/v1/schedules', json('POST', { workflow_id: 'no_such_wf', spec: { interval: '1h' } })),
      422,
    );
  });

  it('takes structured calendars, reads them back as sent (defaults filled in), patches them, and refuses a bad range naming it', async () => {
    const id = `calendar_${suffix}`;
    const weekdays = {
      hour: [{ start: 9 }],
      minute: [{ start: 0, end: 45, step: 15 }],
      day_of_week: [{ start: 1, end: 5 }],
      month: [{ start: 1, end: 6 }, { start: 12 }],
      comment: 'weekday mornings, first half and December',
    };
    const schedule = await create({
      schedule_id: id,
      input_values: { n: 1 },
      spec: { calendars: [weekdays], timezone: 'Europe/Paris' },
      paused: true,
    });
    const asSent = {
      second: [{ start: 0 }],
      minute: [{ start: 0, end: 45, step: 15 }],
      hour: [{ start: 9 }],
      day_of_month: [{ start: 1, end: 31 }],
      month: [{ start: 1, end: 6 }, { start: 12 }],
      day_of_week: [{ start: 1, end: 5 }],
      comment: 'weekday mornings, first half and December',
    };
    expect(schedule.spec).toMatchObject({ calendars: [expect.objectContaining(asSent)], timezone: 'Europe/Paris' });
    // Temporal computed the next times from the calendar: 9:00, 9:15, 9:30 or 9:45 in Paris, Monday to Friday.
    for (const at of schedule.next_action_times) {
      const paris = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Paris',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(at));
      expect(paris).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:(00|15|30|45)$/);
    }
    // What a GET answers can be sent back.
    const patched = await stack.request(
      `/v1/schedules/${id}`,
      json('PATCH', {
        spec: { calendars: [...schedule.spec.calendars, { hour: [{ start: 18 }], comment: 'evening' }] },
      }),
    );
    expect(patched.status, await patched.clone().text()).toBe(200);
    expect(((await patched.json()) as Schedule).spec.calendars).toEqual([
      schedule.spec.calendars[0],
      expect.objectContaining({ hour: [{ start: 18 }], minute: [{ start: 0 }], comment: 'evening' }),
    ]);

    const cases: [unknown, string][] = [
      [{ hour: [{ start: 24 }] }, 'spec.calendars.0.hour.0.start'],
      [{ minute: [{ start: 30, end: 10 }] }, 'spec.calendars.0.minute.0.end'],
      [{ month: [{ start: 0 }] }, 'spec.calendars.0.month.0.start'],
      [{ day_of_week: [{ start: 1, end: 7 }] }, 'spec.calendars.0.day_of_week.0.end'],
      [{ hour: [{ start: 1, step: 0 }] }, 'spec.calendars.0.hour.0.step'],
      [{ hour: [] }, 'spec.calendars.0.hour'],
      [{ hours: [{ start: 1 }] }, 'spec.calendars.0'],
    ];
    for (const [calendar, field] of cases) {
      const badId = `badcal_${suffix}_${cases.findIndex(([c]) => c === calendar)}`;
      const refused = await problem(
        await stack.request(
          '/v1/schedules',
          json('POST', {
            schedule_id: badId,
            workflow_id: WORKFLOW,
            input_values: { n: 1 },
            spec: { calendars: [calendar] },
          }),
        ),
        422,
      );
      expect(
        refused.errors?.map((e) => e.field),
        JSON.stringify(calendar),
      ).toContain(field);
      await problem(await stack.request(`/v1/schedules/${badId}`), 404);
      const patch = await problem(
        await stack.request(`/v1/schedules/${id}`, json('PATCH', { spec: { calendars: [calendar] } })),
        422,
      );
      expect(patch.errors?.map((e) => e.field)).toContain(field);
    }
  });

  it('lists a page at a time by schedule_id: next_cursor until the last page, a cursor edited by hand refused', async () => {
    const ids = ['a', 'b', 'c'].map((l) => `paged_${suffix}_${l}`);
    for (const id of ids)
      await create({ schedule_id: id, input_values: { n: 1 }, spec: { interval: '1h' }, paused: true });
    const walk = async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await stack.request(`/v1/schedules?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
        expect(res.status).toBe(200);
        const page = (await res.json()) as { items: Schedule[]; next_cursor: string | null };
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((s) => s.schedule_id));
        cursor = page.next_cursor;
      } while (cursor !== null);
      return seen;
    };
    // Temporal's visibility shows a new schedule after a moment.
    const seen = await pollUntil(walk, (all) => ids.every((id) => all.includes(id)), {
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    const refused = await problem(await stack.request('/v1/schedules?cursor=bm90IGEgY3Vyc29y'), 422);
    expect(refused.errors?.map((e) => e.field)).toContain('query.cursor');
    expect((await problem(await stack.request('/v1/schedules?limit=0'), 422)).errors?.[0]?.field).toBe('query.limit');
  });

  it('overlap CANCEL_OTHER cancels the running job for the next; BUFFER_ONE starts one buffered job when it ends, dropping more', async () => {
    const SLEEPER = 'sched_sleep';
    await publishWorkflow(stack, SLEEPER, {
      input_variables: [{ variable_id: 'ms', name: 'ms', schema: { type: 'number', integer: true }, required: true }],
      steps: [toolStepDefinition('nap', 'sleep', { ms: 'ms' })],
    });
    const nextSecond = () => new Promise((r) => setTimeout(r, 1100));
    const running = (scheduleId: string, job: JobSummary) =>
      pollUntil(
        () => getJob(stack, job.job_id),
        (j) => j.steps[0]?.status === 'RUNNING',
        { timeoutMs: 60_000, intervalMs: 250 },
      );

    const cancelId = `cancel_other_${suffix}`;
    await create({
      schedule_id: cancelId,
      workflow_id: SLEEPER,
      input_values: { ms: 600_000 },
      spec: { interval: '1h' },
      policy: { overlap: 'CANCEL_OTHER' },
      paused: true,
    });
    expect((await stack.request(`/v1/schedules/${cancelId}/trigger`, json('POST', {}))).status).toBe(202);
    const [first] = await waitForJobs(cancelId, 1);
    await running(cancelId, first!);
    // A firing's job_id is `<schedule_id>-<time to the second>`: the next one in another second.
    await nextSecond();
    expect((await stack.request(`/v1/schedules/${cancelId}/trigger`, json('POST', {}))).status).toBe(202);
    const cancelled = await waitForEnd(stack, first!.job_id, 90_000);
    expect(cancelled).toMatchObject({ status: 'FAILED', error_message: 'Job cancelled by user' });
    const jobs = await waitForJobs(cancelId, 2);
    const second = jobs.find((j) => j.job_id !== first!.job_id)!;
    await running(cancelId, second);
    await stack.request(`/v1/jobs/${second.job_id}/cancel`, json('POST', {}));

    const bufferId = `buffer_one_${suffix}`;
    await create({
      schedule_id: bufferId,
      workflow_id: SLEEPER,
      input_values: { ms: 4000 },
      // Not paused (a paused schedule starts no buffered action), and due only in 2099.
      spec: { calendars: [{ year: [{ start: 2099 }] }] },
      policy: { overlap: 'BUFFER_ONE' },
    });
    expect((await stack.request(`/v1/schedules/${bufferId}/trigger`, json('POST', {}))).status).toBe(202);
    const [head] = await waitForJobs(bufferId, 1);
    await running(bufferId, head!);
    await nextSecond();
    // Two more while it runs: one is buffered, the other dropped.
    for (let i = 0; i < 2; i++)
      expect((await stack.request(`/v1/schedules/${bufferId}/trigger`, json('POST', {}))).status).toBe(202);
    const buffered = await waitForJobs(bufferId, 2);
    const next = buffered.find((j) => j.job_id !== head!.job_id)!;
    const headDone = await waitForEnd(stack, head!.job_id);
    expect(headDone.status).toBe('COMPLETED');
    const nextDone = await waitForEnd(stack, next.job_id);
    expect(nextDone.status).toBe('COMPLETED');
    // The buffered job started only once the first had ended.
    expect(Date.parse(nextDone.started_at!)).toBeGreaterThanOrEqual(Date.parse(headDone.completed_at!));
    // A settle margin: the dropped action never comes.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await jobsOf(bufferId)).length).toBe(2);
  }, 240_000);

  it('a job created through the API links to its run in the Web UI once started, and has none before', async () => {
    const created = await stack.request(
      '/v1/jobs',
      json('POST', { workflow_id: WORKFLOW, name: 'linked', input_values: { n: 2 } }),
    );
    expect(created.status).toBe(201);
    const pending = Job.parse(await created.json());
    expect(pending.links).toEqual({ temporal_ui: null });
    const started = await stack.request(`/v1/jobs/${pending.job_id}/start`, { method: 'POST' });
    expect(started.status).toBe(202);
    const done = await waitForEnd(stack, pending.job_id);
    expect(done.links.temporal_ui).toBe(
      `http://ui.test:8233/namespaces/${stack.client.options.namespace}/workflows/${done.job_id}/${done.runs[0]!.run_id}/history`,
    );
  });
});
