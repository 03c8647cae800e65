import {
  applyExecutionState,
  checkInputValue,
  executionStateFromJob,
  orderedSteps,
  validateInputs,
  type CreateJobRequest,
  type ExecutionState,
  type InputVariable,
  type Job,
  type SchemaValue,
} from '@ordo/core';
import { newId, toFileValue } from '@ordo/storage';
import { z } from 'zod';
import type { AppDeps } from './deps';
import { liveExecutionState, startJobWorkflow } from './job-workflows';
import { ApiProblem, notFound, validationProblem, type FieldError } from './problem';
import type { ListJobsQuery } from './list-jobs-query';

/** Job lifecycle operations behind the `/v1/jobs` routes. */
export class JobService {
  constructor(private readonly deps: AppDeps) {}

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }

  /** Creates a PENDING job from the latest published version of a workflow (seed 002 §1). */
  async create(request: CreateJobRequest): Promise<Job> {
    const workflow = await this.deps.store.workflows.get(request.workflow_id);
    if (!workflow) {
      throw validationProblem([{ field: 'workflow_id', message: `workflow '${request.workflow_id}' does not exist` }]);
    }
    if (workflow.status !== 'PUBLISHED') {
      throw new ApiProblem(
        422,
        'WORKFLOW_NOT_PUBLISHED',
        'Workflow not published',
        `workflow '${workflow.workflow_id}' is ${workflow.status}; only PUBLISHED workflows can run jobs`,
        [{ field: 'workflow_id', message: `must name a PUBLISHED workflow, '${workflow.workflow_id}' is ${workflow.status}` }],
      );
    }
    if (request.input_variables) {
      const mismatches = compareInputVariables(request.input_variables, workflow.input_variables);
      if (mismatches.length > 0) throw validationProblem(mismatches);
    }
    const now = this.now();
    const jobId = newId('job');
    const job: Job = {
      job_id: jobId,
      workflow_id: workflow.workflow_id,
      workflow_version: workflow.version,
      name: request.name,
      ...(request.description !== undefined && { description: request.description }),
      status: 'PENDING',
      created_at: now,
      updated_at: now,
      input_variables: workflow.input_variables,
      input_values: {},
      input_errors: validateInputs(workflow.input_variables, {}),
      steps: orderedSteps(workflow.steps).map((step, index) => ({ ...step, job_id: jobId, sequence_number: index, status: 'PENDING' })),
      execution_progress: { current_step: 0, total_steps: workflow.steps.length, is_paused: false },
      live_output: '',
      output_data: {},
    };
    await this.deps.store.jobs.insert(job);
    return job;
  }

  /**
   * Sets (or with `null` clears) one input of a pending job. An invalid value is
   * refused whole and nothing is stored; `input_errors` then lists what is still missing.
   */
  async setInput(jobId: string, variableId: string, value: SchemaValue): Promise<Job> {
    const job = await this.requirePending(jobId);
    const variable = job.input_variables.find((v) => v.variable_id === variableId);
    if (!variable) {
      throw new ApiProblem(404, 'NOT_FOUND', 'Input variable not found', `job '${jobId}' has no input variable '${variableId}'`, [
        { field: 'variable_id', message: `must be one of ${job.input_variables.map((v) => v.variable_id).join(', ')}` },
      ]);
    }
    const values = { ...job.input_values };
    if (value === null) {
      delete values[variableId];
    } else {
      values[variableId] = await this.checkValue(variable, value);
    }
    return this.saveInputs(job, values);
  }

  /** Clears all input values of a pending job (seed 002 `clearInputs`). */
  async clearInputs(jobId: string): Promise<Job> {
    const job = await this.requirePending(jobId);
    return this.saveInputs(job, {});
  }

  /** Starts a pending job whose inputs are valid: RUNNING in the store, then its workflow. */
  async start(jobId: string): Promise<Job> {
    const claim = await this.deps.store.jobs.claimStart(jobId, this.now());
    if (!claim.ok) {
      switch (claim.code) {
        case 'JOB_NOT_FOUND':
          throw notFound('Job', jobId);
        case 'JOB_NOT_PENDING': {
          const job = await this.deps.store.jobs.get(jobId);
          throw new ApiProblem(409, 'JOB_NOT_PENDING', 'Job not pending', `job '${jobId}' is ${job?.status ?? 'gone'}; only PENDING jobs can start`);
        }
        case 'INPUTS_INVALID': {
          const job = await this.deps.store.jobs.get(jobId);
          const errors: FieldError[] = Object.entries(job?.input_errors ?? {}).map(([field, message]) => ({
            field: `input_values.${field}`,
            message,
          }));
          throw new ApiProblem(422, 'INPUTS_INVALID', 'Job inputs invalid', 'set every required input before starting the job', errors);
        }
      }
    }
    try {
      await startJobWorkflow(this.deps.temporal.client, this.deps.temporal.taskQueue, claim.job);
    } catch (err) {
      // No run exists, so the job must not stay RUNNING: put it back and let the caller retry.
      await this.deps.store.jobs.releaseStart(jobId, this.now());
      throw err;
    }
    return claim.job;
  }

  /**
   * A page of jobs, newest first, as stored: a running job shows its persisted state;
   * `GET /v1/jobs/{job_id}` has the live view.
   */
  async list(query: ListJobsQuery): Promise<{ items: Job[]; next_cursor: string | null }> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    // One extra row tells whether another page exists without a count query.
    const rows = await this.deps.store.jobs.list({ workflow_id: query.workflow_id, status: query.status, limit: query.limit + 1, after });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items, next_cursor: rows.length > query.limit && last ? encodeCursor({ created_at: last.created_at, job_id: last.job_id }) : null };
  }

  /** A job as stored, overlaid with its workflow's live state while it runs. */
  async get(jobId: string): Promise<Job> {
    const job = await this.require(jobId);
    if (job.status !== 'RUNNING') return job;
    const state = await liveExecutionState(this.deps.temporal.client, jobId);
    return state ? applyExecutionState(job, state) : job;
  }

  /** Seed 000's executionState: live from the workflow while running, else from the store. */
  async executionState(jobId: string): Promise<ExecutionState> {
    const job = await this.require(jobId);
    if (job.status === 'RUNNING') {
      const state = await liveExecutionState(this.deps.temporal.client, jobId);
      if (state) return state;
    }
    return executionStateFromJob(job);
  }

  private async require(jobId: string): Promise<Job> {
    const job = await this.deps.store.jobs.get(jobId);
    if (!job) throw notFound('Job', jobId);
    return job;
  }

  private async requirePending(jobId: string): Promise<Job> {
    const job = await this.require(jobId);
    if (job.status !== 'PENDING') {
      throw new ApiProblem(409, 'JOB_NOT_PENDING', 'Job not pending', `job '${jobId}' is ${job.status}; inputs can only change while it is PENDING`);
    }
    return job;
  }

  private async saveInputs(job: Job, values: Record<string, SchemaValue>): Promise<Job> {
    const result = await this.deps.store.jobs.setInputs(job.job_id, values, validateInputs(job.input_variables, values), this.now());
    if (result.ok) return result.job;
    switch (result.code) {
      case 'JOB_NOT_FOUND':
        throw notFound('Job', job.job_id);
      case 'JOB_NOT_PENDING':
        throw new ApiProblem(409, 'JOB_NOT_PENDING', 'Job not pending', `job '${job.job_id}' started while its inputs were being set`);
    }
  }

  /** Checks a value against its variable; a file reference is resolved to the stored file first. */
  private async checkValue(variable: InputVariable, value: SchemaValue): Promise<SchemaValue> {
    let candidate: unknown = value;
    if (variable.schema.type === 'file') {
      const fileId = typeof value === 'object' && value !== null && !Array.isArray(value) ? value.file_id : undefined;
      if (typeof fileId !== 'string') {
        throw validationProblem([{ field: 'value.file_id', message: 'must be the file_id of a file uploaded with POST /v1/files' }]);
      }
      const file = await this.deps.store.files.get(fileId);
      if (!file) throw validationProblem([{ field: 'value.file_id', message: `file '${fileId}' does not exist` }]);
      candidate = toFileValue(file);
    }
    const check = checkInputValue(variable.schema, candidate);
    if (!check.ok) throw validationProblem([{ field: 'value', message: `${variable.variable_id} ${check.message}` }]);
    return check.value;
  }
}

const JobCursor = z.object({ created_at: z.string(), job_id: z.string() });
type JobCursor = z.infer<typeof JobCursor>;

function encodeCursor(cursor: JobCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string): JobCursor {
  try {
    return JobCursor.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw validationProblem([{ field: 'query.cursor', message: 'must be a next_cursor returned by GET /v1/jobs' }]);
  }
}

/** Where a CreateJobRequest's input variables differ from the workflow's. */
function compareInputVariables(requested: readonly InputVariable[], declared: readonly InputVariable[]): FieldError[] {
  const errors: FieldError[] = [];
  const byId = new Map(declared.map((v) => [v.variable_id, v]));
  const seen = new Set<string>();
  requested.forEach((variable, i) => {
    const expected = byId.get(variable.variable_id);
    seen.add(variable.variable_id);
    if (!expected) {
      errors.push({ field: `input_variables.${i}.variable_id`, message: `the workflow has no input variable '${variable.variable_id}'` });
      return;
    }
    if (JSON.stringify(canonical(variable.schema)) !== JSON.stringify(canonical(expected.schema))) {
      errors.push({ field: `input_variables.${i}.schema`, message: `must equal the workflow's schema for '${variable.variable_id}': ${JSON.stringify(expected.schema)}` });
    }
    if (variable.required !== expected.required) {
      errors.push({ field: `input_variables.${i}.required`, message: `must be ${expected.required}, as the workflow declares` });
    }
  });
  for (const v of declared) {
    if (!seen.has(v.variable_id)) errors.push({ field: 'input_variables', message: `is missing the workflow's input variable '${v.variable_id}'` });
  }
  return errors;
}

/** A JSON value with object keys sorted, so key order never makes two schemas differ. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}
