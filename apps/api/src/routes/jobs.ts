import { Hono } from 'hono';
import { z } from 'zod';
import { CreateJobRequest, SetInputValueRequest } from '@ordo/core';
import type { AppDeps } from '../deps';
import { JobService } from '../job-service';
import { ListJobsQuery } from '../list-jobs-query';
import { validate } from '../validate';

/** The body of `POST /v1/jobs/{job_id}/start`: optional inputs set and validated as one change before starting. */
export const StartJobRequest = z.strictObject({ input_values: z.record(z.string(), z.unknown()).optional() });
export type StartJobRequest = z.infer<typeof StartJobRequest>;

/** The query of `POST /v1/jobs/{job_id}/retry`. */
export const RetryJobQuery = z.strictObject({
  /** A step at or before the one that failed to start from; the failed step by default. */
  from_step: z.string().min(1).max(128).optional(),
  dry_run: z.enum(['true', 'false']).optional(),
});
export type RetryJobQuery = z.infer<typeof RetryJobQuery>;

/** The correlation ID of a request: its `X-Correlation-Id` header, when it is usable as one. */
function correlationId(header: string | undefined): string | undefined {
  const value = header?.trim();
  return value && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;
}

/** `/v1/jobs`: create, set inputs, start, follow and control jobs (seeds 000 and 002). */
export function jobRoutes(deps: AppDeps) {
  const jobs = new JobService(deps);
  return new Hono()
    .post('/', validate('json', CreateJobRequest), async (c) => {
      const job = await jobs.create(c.req.valid('json'), correlationId(c.req.header('x-correlation-id')));
      return c.json(job, 201, { Location: `/v1/jobs/${job.job_id}` });
    })
    .get('/', validate('query', ListJobsQuery), async (c) => c.json(await jobs.list(c.req.valid('query'))))
    .get('/:job_id', async (c) => c.json(await jobs.get(c.req.param('job_id'))))
    .get('/:job_id/execution-state', async (c) => c.json(await jobs.executionState(c.req.param('job_id'))))
    .get('/:job_id/outputs/:variable', async (c) => c.json(await jobs.variable(c.req.param('job_id'), c.req.param('variable'))))
    .get('/:job_id/inputs', async (c) => c.json(await jobs.checkStoredInputs(c.req.param('job_id'), false)))
    .post('/:job_id/inputs/validate', async (c) => c.json(await jobs.checkStoredInputs(c.req.param('job_id'), true)))
    .put('/:job_id/inputs/:variable_id', validate('json', SetInputValueRequest), async (c) => {
      const { value } = c.req.valid('json');
      return c.json(await jobs.setInput(c.req.param('job_id'), c.req.param('variable_id'), value));
    })
    .delete('/:job_id/inputs', async (c) => c.json(await jobs.clearInputs(c.req.param('job_id'))))
    .post('/:job_id/start', validate('json', StartJobRequest), async (c) => {
      const body = c.req.valid('json');
      return c.json(await jobs.start(c.req.param('job_id'), body.input_values), 202);
    })
    .post('/:job_id/pause', async (c) => c.json(await jobs.pause(c.req.param('job_id'))))
    .post('/:job_id/resume', async (c) => c.json(await jobs.resume(c.req.param('job_id'))))
    .post('/:job_id/cancel', async (c) => c.json(await jobs.cancel(c.req.param('job_id')), 202))
    .post('/:job_id/reset', async (c) => c.json(await jobs.reset(c.req.param('job_id'))))
    .post('/:job_id/retry', validate('query', RetryJobQuery), async (c) => {
      const query = c.req.valid('query');
      const result = await jobs.retry(c.req.param('job_id'), query.from_step, query.dry_run === 'true');
      return result.job ? c.json({ plan: result.plan, job: result.job }, 202) : c.json({ plan: result.plan, dry_run: true });
    });
}
