import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JobEvent } from '@ordo/core';
import { forEachDialect } from '@ordo/testing';
import {
  createJob,
  json,
  publishWorkflow,
  startApiStack,
  startJob,
  toolStepDefinition,
  type ApiStack,
} from './harness';
import { SseReader } from './sse-reader';

/** The events without progress, as `type step_id`. */
const skeleton = (events: readonly JobEvent[]) =>
  events.filter((e) => e.type !== 'step.progress').map((e) => `${e.type}${e.data.step_id ? ` ${e.data.step_id}` : ''}`);

/** A tool step running long enough (over the worker's 500 ms delay) for its start to be recorded before its end. */
const sleepStep = (stepId: string) => toolStepDefinition(stepId, 'sleep', { ms: 1500 });

/**
 * A step that runs no tool activity (a confirmation, a wait, a sub-workflow) or is disabled
 * reaches the stream when it ends, not when the run next records: each step's ending comes
 * before the next step's start.
 */
forEachDialect('job event streams tell every step ending in step order, against the real stack', (dialect) => {
  let stack: ApiStack;
  const open = async (jobId: string) => {
    const res = await stack.request(`/v1/jobs/${jobId}/events`);
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    return new SseReader(res);
  };
  /** Runs a job of `steps` to its end and answers its whole stream's skeleton. */
  const storyOf = async (steps: unknown[]) => {
    const job = await createJob(stack, { steps });
    const stream = await open(job.job_id);
    await startJob(stack, job.job_id);
    return skeleton(await stream.rest());
  };

  beforeAll(async () => {
    stack = await startApiStack('events-order', { dialect });
  });
  afterAll(async () => {
    stack.app.closeEventStreams();
    await stack.stop();
  });

  it('confirm → tool: the confirmation completes on the stream while the job runs, before the tool starts', async () => {
    const job = await createJob(stack, {
      steps: [{ step_id: 'approve', type: 'sys.human_confirm', confirm: { prompt: 'Go on?' } }, sleepStep('after')],
    });
    const stream = await open(job.job_id);
    await startJob(stack, job.job_id);
    await stream.eventsUntil((e) => e.type === 'step.waiting');
    const confirmed = await stack.request(`/v1/jobs/${job.job_id}/steps/approve/confirm`, json('POST', {}));
    expect(confirmed.status, await confirmed.clone().text()).toBe(200);
    // The confirmation's completion arrives before anything of the next step, the job still running.
    const toConfirmed = await stream.eventsUntil((e) => e.type === 'step.completed');
    expect(skeleton(toConfirmed)).toEqual(['step.completed approve']);
    expect(toConfirmed.at(-1)).toMatchObject({ job_status: 'RUNNING', data: { step_type: 'sys.human_confirm' } });
    expect(skeleton(await stream.rest())).toEqual(['step.started after', 'step.completed after', 'job.completed']);
  });

  it('wait → tool: the wait completes before the tool starts', async () => {
    expect(
      await storyOf([{ step_id: 'hold', type: 'sys.wait', wait: { duration: '1s' } }, sleepStep('after')]),
    ).toEqual([
      'job.started',
      'step.waiting hold',
      'step.completed hold',
      'step.started after',
      'step.completed after',
      'job.completed',
    ]);
  });

  it('sub-workflow → tool: the sub-workflow step completes before the tool starts', async () => {
    const child = `child_${Math.random().toString(36).slice(2, 10)}`;
    await publishWorkflow(stack, child, { steps: [toolStepDefinition('echo', 'noop', { value: 'hi' })] });
    expect(
      await storyOf([
        { step_id: 'call', type: 'sys.sub_workflow', sub_workflow: { workflow_id: child, mode: 'SINGLE' } },
        sleepStep('after'),
      ]),
    ).toEqual([
      'job.started',
      'step.started call',
      'step.completed call',
      'step.started after',
      'step.completed after',
      'job.completed',
    ]);
  });

  it('tool → disabled → tool: the disabled steps are told before the next step starts', async () => {
    expect(
      await storyOf([
        sleepStep('first'),
        toolStepDefinition('off', 'noop', { value: 'x' }, {}, { activation_policy: { enabled: false } }),
        toolStepDefinition('off_too', 'noop', { value: 'x' }, {}, { activation_policy: { enabled: false } }),
        sleepStep('last'),
      ]),
    ).toEqual([
      'job.started',
      'step.started first',
      'step.completed first',
      'step.disabled off',
      'step.disabled off_too',
      'step.started last',
      'step.completed last',
      'job.completed',
    ]);
  });
});
