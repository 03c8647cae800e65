import { randomUUID } from 'node:crypto';
import {
  effectiveInputs,
  newJobRecord,
  pinSubWorkflowVersions,
  validateInputs,
  type CreateJobRequest,
  type InputVariable,
  type Job,
  type JobRecord,
  type SchemaValue,
} from '@ordo/core';
import { newId, type JobIdempotency, type StoredJob } from '@ordo/storage';
import { idempotencyKeyReused } from '../idempotency';
import { ApiProblem, validationProblem, type FieldError } from '../problem';
import { checkInputValues, fileDeletedMeanwhile, refuseInvalidInputs, saveInputRecord } from './job-input-writes';
import type { JobLaunches } from './job-launches';
import { createdUnstarted } from './job-launches';
import type { JobReads } from './job-reads';
import type { JobResources } from './job-resources';
import { notPublished, requireNewJobVersion } from './new-job-version';

/**
 * A job's inputs: creating a job (with its inputs, and started at once when asked), and
 * setting, clearing and validating the inputs of a pending job. The API writes a job only
 * while no run is in progress; a start goes through {@link JobLaunches}.
 */
export class JobInputs {
  constructor(
    private readonly resources: JobResources,
    private readonly reads: JobReads,
    private readonly launches: JobLaunches,
  ) {}

  /**
   * Creates a PENDING job from a published workflow version (seed 002 §1, docs/contract.md): the one named by
   * `workflow_version`, else the latest PUBLISHED one. The job keeps its own copy of that
   * version's steps, so later versions never change what it runs. `input_values` are set with
   * it (an invalid one refuses the request, nothing created); with `start` the job also starts
   * as {@link JobLaunches.start} starts it, every required input then set and valid.
   *
   * With an Idempotency-Key (`idempotency`), the key names the job it creates for the job's
   * whole life: it is written with the job, and a request with that key finds the job again
   * (see {@link answerCreated}) instead of creating a second one.
   */
  async create(
    request: CreateJobRequest,
    correlationId: string | undefined,
    idempotency?: JobIdempotency,
  ): Promise<Job> {
    if (idempotency !== undefined) {
      const found = await this.resources.store.jobs.findByIdempotency(idempotency.id);
      if (found) return this.answerCreated(found, request, idempotency);
    }
    const workflow = await requireNewJobVersion(this.resources.store, request.workflow_id, request.workflow_version);
    if (request.input_variables) {
      const mismatches = compareInputVariables(request.input_variables, workflow.input_variables);
      if (mismatches.length > 0) throw validationProblem(mismatches);
    }
    const values = request.input_values ?? {};
    const inputs =
      request.input_values === undefined && !request.start
        ? undefined
        : await checkInputValues(this.resources, workflow.input_variables, values);
    if (inputs !== undefined) refuseInvalidInputs(inputs.errors, request.start ? undefined : givenInputs(values));
    const now = this.resources.timestamp();
    const job = newJobRecord(
      workflow,
      {
        job_id: newId('job'),
        name: request.name,
        description: request.description,
        correlation_id: correlationId ?? randomUUID(),
        context: request.context ?? {},
        sub_workflow_versions: await pinSubWorkflowVersions(this.resources.store.workflows, workflow.steps),
        ...(inputs !== undefined && { inputs }),
      },
      now,
    );
    // Conditional on the version still being PUBLISHED: one archived meanwhile gets no new job.
    // The job's references to the files its inputs name are written with it.
    const inserted = await this.resources.store.jobs.insertIfPublished(job, idempotency);
    if (!inserted.ok) {
      switch (inserted.code) {
        case 'IDEMPOTENCY_KEY_TAKEN': {
          // A request with the same key inserted its job first (an earlier attempt still running past its lease).
          const found =
            idempotency === undefined ? undefined : await this.resources.store.jobs.findByIdempotency(idempotency.id);
          if (!found || idempotency === undefined)
            throw new Error(`job insert refused for an idempotency key that names no job`);
          return this.answerCreated(found, request, idempotency);
        }
        case 'VERSION_NOT_FOUND':
          throw validationProblem([
            {
              field: 'workflow_version',
              message: `workflow '${job.workflow_id}' version ${job.workflow_version} does not exist`,
            },
          ]);
        case 'VERSION_NOT_PUBLISHED':
          throw notPublished({ workflow_id: job.workflow_id, version: job.workflow_version, status: inserted.status });
        case 'FILE_NOT_FOUND':
          throw fileDeletedMeanwhile();
      }
    }
    if (!request.start)
      return this.reads.view({
        stored: { job, run: undefined, runs: [], updated_at: now, revision: 0 },
        run: undefined,
        stale: false,
      });
    return this.launches.launch(job, 0, [], createdUnstarted(job.job_id), idempotency?.id);
  }

  /**
   * A create retried with the key of the request that created `found`: the same request is
   * answered with that job as it is now, started first when the request asked for a start
   * and the job is still PENDING with no run (the first attempt died before starting it, or
   * answered 503 with Temporal down). The same key with another request is a 422.
   */
  private async answerCreated(
    found: { stored: StoredJob; request_hash: string },
    request: CreateJobRequest,
    idempotency: JobIdempotency,
  ): Promise<Job> {
    if (found.request_hash !== idempotency.request_hash) throw idempotencyKeyReused();
    const jobId = found.stored.job.job_id;
    if (request.start === true && !found.stored.run)
      return this.launches.startStored(found.stored, undefined, createdUnstarted(jobId), idempotency.id);
    return this.reads.get(jobId);
  }

  /**
   * Sets (or with `null` clears) one input of a pending job. An invalid value is refused
   * whole with 422 and nothing is stored; `input_errors` lists what is still missing or
   * no longer valid.
   */
  async setInput(jobId: string, variableId: string, value: unknown): Promise<Job> {
    const job = await this.reads.requirePending(jobId);
    const variable = job.input_variables.find((v) => v.variable_id === variableId);
    if (!variable) {
      throw new ApiProblem(
        404,
        'NOT_FOUND',
        'Input variable not found',
        `job '${jobId}' has no input variable '${variableId}'`,
        [
          {
            field: 'variable_id',
            message: `must be one of ${job.input_variables.map((v) => v.variable_id).join(', ')}`,
          },
        ],
      );
    }
    const values: Record<string, unknown> = { ...job.input_values };
    if (value === null) delete values[variableId];
    else values[variableId] = value;
    const checked = await checkInputValues(this.resources, job.input_variables, values);
    const error = checked.errors[variableId];
    if (value !== null && error !== undefined) throw validationProblem([{ field: 'value', message: error }]);
    return this.saveInputs(job, checked.values, checked.errors);
  }

  /** Clears all input values and errors of a pending job (seed 002 `clearInputs`): missing required inputs are listed again. */
  async clearInputs(jobId: string): Promise<Job> {
    const job = await this.reads.requirePending(jobId);
    return this.saveInputs(job, {}, validateInputs(job.input_variables, {}).errors);
  }

  /**
   * Checks every input of a job again (files may have been deleted since they were set):
   * seed 002's `validateInputs` when `store` is set (a pending job's `input_errors` are
   * updated), `areInputsValid` when not.
   */
  async checkStoredInputs(
    jobId: string,
    store: boolean,
  ): Promise<{ valid: boolean; input_values: Record<string, SchemaValue>; input_errors: Record<string, string> }> {
    const job = store ? await this.reads.requirePending(jobId) : await this.reads.requireRecord(jobId);
    const checked = await checkInputValues(this.resources, job.input_variables, job.input_values);
    if (store) await this.saveInputs(job, job.input_values, checked.errors);
    return {
      valid: Object.keys(checked.errors).length === 0,
      input_values: effectiveInputs(job.input_variables, job.input_values),
      input_errors: checked.errors,
    };
  }

  private async saveInputs(
    job: JobRecord,
    values: Record<string, SchemaValue>,
    errors: Record<string, string>,
  ): Promise<Job> {
    await saveInputRecord(this.resources, job, values, errors);
    return this.reads.get(job.job_id);
  }
}

/** The variables a request gives a value (`null` leaves one unset, as it clears one in `setInput`). */
function givenInputs(values: Record<string, unknown>): string[] {
  return Object.entries(values)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([id]) => id);
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
      errors.push({
        field: `input_variables.${i}.variable_id`,
        message: `the workflow has no input variable '${variable.variable_id}'`,
      });
      return;
    }
    if (JSON.stringify(canonical(variable.schema)) !== JSON.stringify(canonical(expected.schema))) {
      errors.push({
        field: `input_variables.${i}.schema`,
        message: `must equal the workflow's schema for '${variable.variable_id}': ${JSON.stringify(expected.schema)}`,
      });
    }
    if (variable.required !== expected.required) {
      errors.push({
        field: `input_variables.${i}.required`,
        message: `must be ${expected.required}, as the workflow declares`,
      });
    }
  });
  for (const v of declared) {
    if (!seen.has(v.variable_id))
      errors.push({ field: 'input_variables', message: `is missing the workflow's input variable '${v.variable_id}'` });
  }
  return errors;
}

/** A JSON value with object keys sorted, so key order never makes two schemas differ. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
