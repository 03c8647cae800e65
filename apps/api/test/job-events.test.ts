import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JobEvent } from '@ordo/core';
import { forEachDialect } from '@ordo/testing';
import {
  createJob,
  json,
  problem,
  startApiStack,
  startJob,
  toolStepDefinition,
  waitForEnd,
  waitForJob,
  type ApiStack,
} from './harness';
import { SseReader } from './sse-reader';

const sleepSteps = (n: number, ms: number) =>
  Array.from({ length: n }, (_, i) => toolStepDefinition(`sleep_${i + 1}`, 'sleep', { ms }));

/** The events without progress (how many a sleep reports depends on timing), as `type step_id`. */
const skeleton = (events: readonly JobEvent[]) =>
  events.filter((e) => e.type !== 'step.progress').map((e) => `${e.type}${e.data.step_id ? ` ${e.data.step_id}` : ''}`);

forEachDialect('job event streams, against the real stack', (dialect) => {
  let stack: ApiStack;
  const open = async (path: string, headers: Record<string, string> = {}) => {
    const res = await stack.request(path, { headers });
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return new SseReader(res);
  };

  beforeAll(async () => {
    stack = await startApiStack('events', {
      dialect,
      deps: { eventStreams: { maxPerKey: 3, keepAliveMs: 200 } },
    });
  });
  afterAll(async () => {
    stack.app.closeEventStreams();
    await stack.stop();
  });

  it('streams a job from its start to its final event, in order, and ends', async () => {
    const job = await createJob(stack, { steps: sleepSteps(3, 1200) });
    // Opened while the job is PENDING: nothing yet, the stream waits.
    const stream = await open(`/v1/jobs/${job.job_id}/events`);
    await startJob(stack, job.job_id);
    const events = await stream.rest();
    expect(stream.ended).toBe(true);
    expect(skeleton(events)).toEqual([
      'job.started',
      'step.started sleep_1',
      'step.completed sleep_1',
      'step.started sleep_2',
      'step.completed sleep_2',
      'step.started sleep_3',
      'step.completed sleep_3',
      'job.completed',
    ]);
    // Progress comes between a step's start and its completion, with its message.
    const progress = events.filter((e) => e.type === 'step.progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({
      data: { step_id: 'sleep_1', attempt: 1, message: expect.stringMatching(/^Slept/), fraction: expect.any(Number) },
    });
    // With the fraction the tool reported (the sleep tool: the time slept of the time to sleep).
    for (const event of progress) expect(event.data.fraction).toSatisfy((f: number) => f > 0 && f <= 1);
    const ids = events.map((e) => e.event_id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.every((e) => e.job_id === job.job_id && e.workflow_id === job.workflow_id)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'job.completed', job_status: 'COMPLETED' });

    // A finished job's stream answers its whole story again, and ends.
    const again = await open(`/v1/jobs/${job.job_id}/events`);
    expect((await again.rest()).map((e) => e.event_id)).toEqual(ids);
  });

  it('resumes after Last-Event-ID mid-run, losing no event and repeating none', async () => {
    const job = await createJob(stack, { steps: sleepSteps(4, 1500) });
    const whole = await open(`/v1/jobs/${job.job_id}/events`);
    const first = await open(`/v1/jobs/${job.job_id}/events`);
    await startJob(stack, job.job_id);
    // Hang up after the second step started, mid-run.
    const before = await first.eventsUntil((e) => e.type === 'step.started' && e.data.step_id === 'sleep_2');
    await first.close();
    const last = before.at(-1)!;
    // Reconnect once more events were persisted meanwhile, so some come from the backlog and some live.
    await waitForJob(stack, job.job_id, (j) => j.steps[2]?.status !== 'PENDING');
    const resumed = await open(`/v1/jobs/${job.job_id}/events`, { 'Last-Event-ID': String(last.event_id) });
    const after = await resumed.rest();
    expect(resumed.ended).toBe(true);
    const uninterrupted = await whole.rest();
    expect([...before, ...after].map((e) => e.event_id)).toEqual(uninterrupted.map((e) => e.event_id));
    expect(skeleton(after)[0]).not.toBe('step.started sleep_2');
    expect(uninterrupted.at(-1)?.type).toBe('job.completed');
  });

  it('tells a pause, a resume, a cancel and a reset', async () => {
    const job = await createJob(stack, { steps: sleepSteps(3, 1500) });
    const stream = await open(`/v1/jobs/${job.job_id}/events`);
    await startJob(stack, job.job_id);
    await stream.eventsUntil((e) => e.type === 'step.started');
    const paused = await stack.request(`/v1/jobs/${job.job_id}/pause`, json('POST'));
    expect(paused.status).toBe(200);
    const toPause = await stream.eventsUntil((e) => e.type === 'job.paused');
    expect(toPause.at(-1)).toMatchObject({ type: 'job.paused', job_status: 'RUNNING' });
    const resumed = await stack.request(`/v1/jobs/${job.job_id}/resume`, json('POST'));
    expect(resumed.status).toBe(200);
    await stream.eventsUntil((e) => e.type === 'job.resumed');
    await stream.eventsUntil((e) => e.type === 'step.started' && e.data.step_id === 'sleep_2');
    const cancelled = await stack.request(`/v1/jobs/${job.job_id}/cancel`, json('POST'));
    expect(cancelled.status).toBeLessThan(300);
    const toEnd = await stream.rest();
    expect(stream.ended).toBe(true);
    expect(toEnd.at(-1)).toMatchObject({ type: 'job.cancelled', job_status: 'FAILED' });
    expect(skeleton(toEnd)).toContain('step.failed sleep_2');
    const final = toEnd.at(-1)!;
    await waitForEnd(stack, job.job_id);

    const reset = await stack.request(`/v1/jobs/${job.job_id}/reset`, json('POST'));
    expect(reset.status, await reset.clone().text()).toBe(200);
    // After the final event, a reset is news: the stream stays open for the job's next run.
    const next = await open(`/v1/jobs/${job.job_id}/events`, { 'Last-Event-ID': String(final.event_id) });
    expect(await next.nextEvent()).toMatchObject({ type: 'job.reset', job_status: 'PENDING' });
    await next.close();
  });

  it('tells a step waiting for a confirmation while it waits, then its completion', async () => {
    const job = await createJob(stack, {
      steps: [{ step_id: 'approve', type: 'sys.human_confirm', confirm: { prompt: 'Go on?' } }, ...sleepSteps(1, 10)],
    });
    const stream = await open(`/v1/jobs/${job.job_id}/events`);
    await startJob(stack, job.job_id);
    // Written by the workflow as the step begins, before anyone confirms.
    const waiting = await stream.eventsUntil((e) => e.type === 'step.waiting');
    expect(waiting.at(-1)).toMatchObject({
      type: 'step.waiting',
      job_status: 'RUNNING',
      data: { step_id: 'approve', step_type: 'sys.human_confirm' },
    });
    const confirmed = await stack.request(`/v1/jobs/${job.job_id}/steps/approve/confirm`, json('POST', {}));
    expect(confirmed.status, await confirmed.clone().text()).toBe(200);
    const rest = await stream.rest();
    // Its completion is written before the next step begins (see job-events-order.test.ts).
    expect(skeleton(rest)).toEqual([
      'step.completed approve',
      'step.started sleep_1',
      'step.completed sleep_1',
      'job.completed',
    ]);
  });

  it('caps the streams one key holds open (429), sending keep-alives on idle ones', async () => {
    const job = await createJob(stack, { steps: sleepSteps(1, 10) });
    const streams = [];
    for (let i = 0; i < 3; i++) streams.push(await open(`/v1/jobs/${job.job_id}/events`));
    const refused = await problem(await stack.request(`/v1/jobs/${job.job_id}/events`), 429);
    expect(refused).toMatchObject({ code: 'TOO_MANY_STREAMS' });
    // An idle stream (a PENDING job) gets keep-alive comments.
    const idle = streams[0]!;
    const reading = idle.next();
    await waitForJob(stack, job.job_id, () => idle.comments > 0, 30_000);
    for (const stream of streams) await stream.close();
    await reading;
    // Closed streams no longer count.
    const reopened = await waitForStream(() => stack.request(`/v1/jobs/${job.job_id}/events`));
    await new SseReader(reopened).close();
    const unknown = await problem(await stack.request('/v1/jobs/job_does_not_exist/events'), 404);
    expect(unknown.code).toBe('NOT_FOUND');
    const bad = await problem(
      await stack.request(`/v1/jobs/${job.job_id}/events`, { headers: { 'Last-Event-ID': 'yesterday' } }),
      422,
    );
    expect(JSON.stringify(bad.errors)).toMatch(/last-event-id/);
  });

  it("streams many jobs' events, filtered by workflow", async () => {
    const a = await createJob(stack, { steps: sleepSteps(2, 300) });
    const b = await createJob(stack, { steps: sleepSteps(1, 300) });
    const stream = await open(`/v1/events?workflow_id=${a.workflow_id}`);
    const all = await open('/v1/events');
    await startJob(stack, b.job_id);
    await startJob(stack, a.job_id);
    const events = await stream.eventsUntil((e) => e.type === 'job.completed');
    expect(events.every((e) => e.workflow_id === a.workflow_id && e.job_id === a.job_id)).toBe(true);
    expect(skeleton(events)).toEqual([
      'job.started',
      'step.started sleep_1',
      'step.completed sleep_1',
      'step.started sleep_2',
      'step.completed sleep_2',
      'job.completed',
    ]);
    await waitForEnd(stack, b.job_id);
    // The unfiltered stream has both jobs' endings.
    const seen = new Set<string>();
    await all.eventsUntil((e) => {
      if (e.type === 'job.completed') seen.add(e.job_id);
      return seen.has(a.job_id) && seen.has(b.job_id);
    });
    // Only events after which the job is COMPLETED.
    const completed = await open(`/v1/events?status=COMPLETED`, { 'Last-Event-ID': String(events[0]!.event_id - 1) });
    const ending = await completed.eventsUntil((e) => e.job_id === a.job_id);
    expect(ending.every((e) => e.job_status === 'COMPLETED')).toBe(true);
    for (const s of [stream, all, completed]) await s.close();
  });
});

/** A stream request retried while the cap still counts streams being closed. */
async function waitForStream(request: () => Promise<Response>): Promise<Response> {
  for (let i = 0; i < 50; i++) {
    const res = await request();
    if (res.status === 200) return res;
    await res.text();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the stream stayed refused');
}
