import { Hono } from 'hono';
import { CreateJobRequest, SetInputValueRequest } from '@ordo/core';
import type { AppDeps } from '../deps';
import { JobService } from '../job-service';
import { ListJobsQuery } from '../list-jobs-query';
import { validate } from '../validate';

/** `/v1/jobs`: create, set inputs, start and follow jobs (seed 002). */
export function jobRoutes(deps: AppDeps) {
  const jobs = new JobService(deps);
  return new Hono()
    .post('/', validate('json', CreateJobRequest), async (c) => {
      const job = await jobs.create(c.req.valid('json'));
      return c.json(job, 201, { Location: `/v1/jobs/${job.job_id}` });
    })
    .get('/', validate('query', ListJobsQuery), async (c) => c.json(await jobs.list(c.req.valid('query'))))
    .get('/:job_id', async (c) => c.json(await jobs.get(c.req.param('job_id'))))
    .get('/:job_id/execution-state', async (c) => c.json(await jobs.executionState(c.req.param('job_id'))))
    .put('/:job_id/inputs/:variable_id', validate('json', SetInputValueRequest), async (c) => {
      const { value } = c.req.valid('json');
      return c.json(await jobs.setInput(c.req.param('job_id'), c.req.param('variable_id'), value));
    })
    .delete('/:job_id/inputs', async (c) => c.json(await jobs.clearInputs(c.req.param('job_id'))))
    .post('/:job_id/start', async (c) => c.json(await jobs.start(c.req.param('job_id')), 202));
}
