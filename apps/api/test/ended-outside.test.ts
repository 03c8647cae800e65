import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job, type JobSummary } from '@ordo/core';
import { pollUntil } from '@ordo/testing';
import { sweepEndedRuns } from '../src/run-sweep';
import {
  createJob,
  getJob,
  json,
  problem,
  startApiStack,
  startJob,
  toolStepDefinition,
  waitForEnd,
  waitForJob,
  type ApiStack,
} from './harness';

/**
 * A run ended in Temporal without recording its ending (terminated from the CLI, the Web UI
 * or a client): its workflow can no longer write, so Ordo notices and ends the run in the
 * store, FAILED with the reason, instead of showing it RUNNING (and stale) for ever.
 */
describe('a run terminated in Temporal', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack('ended-outside');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** A job whose one step sleeps for `ms` (from its input), running that step. */
  async function runningJob(ms: number): Promise<Job> {
    const job = await createJob(
      stack,
      {
        input_variables: [
          { name: 'milliseconds', variable_id: 'ms', schema: { type: 'number', integer: true }, required: true },
        ],
        steps: [toolStepDefinition('nap', 'sleep', { ms: 'ms' }, { slept_ms: 'slept' })],
        output_variables: ['slept'],
      },
      { ms },
    );
    await startJob(stack, job.job_id);
    return waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING', 30_000);
  }

  async function terminate(jobId: string, reason: string): Promise<void> {
    await stack.client.workflow.getHandle(jobId).terminate(reason);
    expect((await stack.client.workflow.getHandle(jobId).describe()).status.name).toBe('TERMINATED');
  }

  async function listed(jobId: string): Promise<JobSummary | undefined> {
    const res = await stack.request(`/v1/jobs?limit=200`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: JobSummary[] }).items.find((j) => j.job_id === jobId);
  }

  it('GET shows it FAILED with the reason soon after, not RUNNING and stale; reset still works', async () => {
    const job = await runningJob(60_000);
    await terminate(job.job_id, 'operator stopped it');

    const ended = await waitForJob(stack, job.job_id, (j) => j.status !== 'RUNNING' || j.stale === true, 30_000);
    expect(ended.stale).toBeUndefined();
    expect(ended).toMatchObject({
      status: 'FAILED',
      error_message: 'The run was terminated in Temporal: operator stopped it',
    });
    expect(ended.completed_at).toBeDefined();
    expect(ended.steps[0]).toMatchObject({
      status: 'FAILED',
      error_message: 'The run was terminated in Temporal: operator stopped it',
    });
    expect(ended.runs).toEqual([expect.objectContaining({ run_id: job.runs[0]!.run_id, status: 'FAILED' })]);
    // Stored so: the list, which never asks Temporal, agrees.
    expect((await listed(job.job_id))?.status).toBe('FAILED');

    const reset = await stack.request(`/v1/jobs/${job.job_id}/reset`, json('POST'));
    expect(reset.status, await reset.clone().text()).toBe(200);
    expect(Job.parse(await reset.json())).toMatchObject({ status: 'PENDING' });
    expect((await stack.request(`/v1/jobs/${job.job_id}/inputs/ms`, json('PUT', { value: 10 }))).status).toBe(200);
    await startJob(stack, job.job_id);
    const again = await waitForEnd(stack, job.job_id);
    expect(again.status).toBe('COMPLETED');
    expect(again.runs.map((r) => r.status)).toEqual(['FAILED', 'COMPLETED']);
  });

  it('cancel answers the ended job (409 naming FAILED), not a 202 that changes nothing', async () => {
    const job = await runningJob(60_000);
    await terminate(job.job_id, 'gone');
    const cancelled = await stack.request(`/v1/jobs/${job.job_id}/cancel`, json('POST'));
    expect(await problem(cancelled, 409)).toMatchObject({ code: 'JOB_NOT_RUNNING', job_status: 'FAILED' });
    expect(await getJob(stack, job.job_id)).toMatchObject({
      status: 'FAILED',
      error_message: 'The run was terminated in Temporal: gone',
    });
  });

  it('reset of a terminated job keeps its old run FAILED and leaves the job PENDING', async () => {
    const job = await runningJob(60_000);
    await terminate(job.job_id, 'reset me');
    const reset = await stack.request(`/v1/jobs/${job.job_id}/reset`, json('POST'));
    expect(reset.status, await reset.clone().text()).toBe(200);
    const after = Job.parse(await reset.json());
    expect(after).toMatchObject({ status: 'PENDING' });
    expect(after.runs).toEqual([expect.objectContaining({ run_id: job.runs[0]!.run_id, status: 'FAILED' })]);
  });

  it('the sweep ends runs nobody reads, so lists stop showing them RUNNING', async () => {
    const job = await runningJob(60_000);
    await terminate(job.job_id, 'swept');
    // Nobody has read it: the store still says RUNNING.
    expect((await listed(job.job_id))?.status).toBe('RUNNING');
    // Visibility lags the termination a little: sweep until the run is seen.
    const swept = await pollUntil(
      async () => {
        await sweepEndedRuns(stack.deps);
        return listed(job.job_id);
      },
      (j) => j?.status !== 'RUNNING',
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(swept).toMatchObject({ status: 'FAILED', error_message: 'The run was terminated in Temporal: swept' });
    // A second sweep finds nothing more to do.
    const again = await sweepEndedRuns(stack.deps);
    expect(again.ended).toBe(0);
  });
});
