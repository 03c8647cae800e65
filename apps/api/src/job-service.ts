import { randomUUID } from 'node:crypto';
import {
  composeRunState,
  confirmationRefusal,
  effectiveInputs,
  runtimeExecutionOf,
  executionStateOf,
  initialRunHeader,
  runHeaderSource,
  jobStatusOf,
  jobView,
  newJobRecord,
  pinSubWorkflowVersions,
  JobSummary,
  preparedStartOf,
  resolveValueRecord,
  resolveValueRefs,
  retryPlan,
  storedRunState,
  toolRunDefaultsById,
  validateInputs,
  validateInputsWithFiles,
  type CreateJobRequest,
  type ExecutionState,
  type InputVariable,
  type Job,
  type JobRecord,
  type JobRunInput,
  type RetryPlan,
  type RunSummary,
  type RunState,
  type RuntimeWorkflowExecution,
  type SchemaValue,
  type ToolRunDefaults,
} from '@ordo/core';
import { newId, type JobIdempotency, type StoredJob } from '@ordo/storage';
import type { AppDeps } from './deps';
import { idempotencyKeyReused } from './idempotency';
import {
  awaitRunClosed,
  cancelRun,
  confirmRunStep,
  openRunOf,
  runStartedWith,
  setRunPaused,
  startRun,
  terminateRun,
  type StartRunResult,
} from './job-runs';
import { endRunIfClosed } from './run-reconciler';
import type { ListJobsQuery } from './list-jobs-query';
import { ApiProblem, jobConflict, notFound, temporalUnavailable, validationProblem, type FieldError } from './problem';
import { readableValue } from './value-views';
import { readMark, readRunState } from './shared-run-reads';
import { decodeCursor, encodeCursor } from './cursor';
import { notPublished, requireNewJobVersion } from './workflow-service';

/** How long cancel and reset wait for a run to close before answering. */
const CLOSE_WAIT_MS = 15_000;
/**
 * How long start and retry wait for the new run to claim the job (its first workflow task,
 * usually tens of milliseconds), so their answer and every read after it show the run.
 */
const CLAIM_WAIT_MS = 5_000;
/**
 * A prepared start larger than this (bytes of JSON: the inputs and the first batch of
 * steps) is not put in the run's input; the run then reads the job itself.
 */
const MAX_PREPARED_START_BYTES = 256 * 1024;

/** A job as the API answers it, with whether its live state could be read. */
interface JobNow {
  stored: StoredJob;
  run: RunState | undefined;
  stale: boolean;
}

/**
 * Job lifecycle operations behind the `/v1/jobs` routes. The API writes a job only while
 * no run is in progress (creation, inputs, reset of a finished run); everything else goes
 * to the job's workflow as a start, an update, or a native cancellation, and the workflow
 * records what happened.
 */
export class JobService {
  /** Run defaults of the catalog's tools, by `tool_id`: what a prepared start hands the run. */
  private readonly toolDefaults: Readonly<Record<string, ToolRunDefaults>>;

  constructor(private readonly deps: AppDeps) {
    this.toolDefaults = toolRunDefaultsById(deps.tools);
  }

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }

  /**
   * Creates a PENDING job from a published workflow version (seed 002 §1): the one named by
   * `workflow_version`, else the latest PUBLISHED one. The job keeps its own copy of that
   * version's steps, so later versions never change what it runs. `input_values` are set with
   * it (an invalid one refuses the request, nothing created); with `start` the job also starts
   * as {@link start} starts it, every required input then set and valid.
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
      const found = await this.deps.store.jobs.findByIdempotency(idempotency.id);
      if (found) return this.answerCreated(found, request, idempotency);
    }
    const workflow = await requireNewJobVersion(this.deps.store, request.workflow_id, request.workflow_version);
    if (request.input_variables) {
      const mismatches = compareInputVariables(request.input_variables, workflow.input_variables);
      if (mismatches.length > 0) throw validationProblem(mismatches);
    }
    const values = request.input_values ?? {};
    const inputs =
      request.input_values === undefined && !request.start
        ? undefined
        : await this.checkInputs(workflow.input_variables, values);
    if (inputs !== undefined) refuseInvalidInputs(inputs.errors, request.start ? undefined : givenInputs(values));
    const now = this.now();
    const job = newJobRecord(
      workflow,
      {
        job_id: newId('job'),
        name: request.name,
        description: request.description,
        correlation_id: correlationId ?? randomUUID(),
        context: request.context ?? {},
        sub_workflow_versions: await pinSubWorkflowVersions(this.deps.store.workflows, workflow.steps),
        ...(inputs !== undefined && { inputs }),
      },
      now,
    );
    // Conditional on the version still being PUBLISHED: one archived meanwhile gets no new job.
    // The job's references to the files its inputs name are written with it.
    const inserted = await this.deps.store.jobs.insertIfPublished(job, idempotency);
    if (!inserted.ok) {
      switch (inserted.code) {
        case 'IDEMPOTENCY_KEY_TAKEN': {
          // A request with the same key inserted its job first (an earlier attempt still running past its lease).
          const found =
            idempotency === undefined ? undefined : await this.deps.store.jobs.findByIdempotency(idempotency.id);
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
      return this.view({
        stored: { job, run: undefined, runs: [], updated_at: now, revision: 0 },
        run: undefined,
        stale: false,
      });
    return this.launch(job, 0, [], createdUnstarted(job.job_id), idempotency?.id);
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
      return this.startStored(found.stored, undefined, createdUnstarted(jobId), idempotency.id);
    return this.get(jobId);
  }

  /**
   * Sets (or with `null` clears) one input of a pending job. An invalid value is refused
   * whole with 422 and nothing is stored; `input_errors` lists what is still missing or
   * no longer valid.
   */
  async setInput(jobId: string, variableId: string, value: unknown): Promise<Job> {
    const job = await this.requirePending(jobId);
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
    const checked = await this.checkInputs(job.input_variables, values);
    const error = checked.errors[variableId];
    if (value !== null && error !== undefined) throw validationProblem([{ field: 'value', message: error }]);
    return this.saveInputs(job, checked.values, checked.errors);
  }

  /** Clears all input values and errors of a pending job (seed 002 `clearInputs`): missing required inputs are listed again. */
  async clearInputs(jobId: string): Promise<Job> {
    const job = await this.requirePending(jobId);
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
    const job = store ? await this.requirePending(jobId) : await this.require(jobId);
    const checked = await this.checkInputs(job.input_variables, job.input_values);
    if (store) await this.saveInputs(job, job.input_values, checked.errors);
    return {
      valid: Object.keys(checked.errors).length === 0,
      input_values: effectiveInputs(job.input_variables, job.input_values),
      input_errors: checked.errors,
    };
  }

  /**
   * Starts a pending job (seed 002 `startJob(jobId, inputVariables)`): `input_values`, when
   * given, are set and validated as one change first; invalid inputs leave the job as it
   * was. The job's workflow records RUNNING itself when it begins, so an API that dies
   * mid-start leaves the job PENDING (no run) or running (a run), never stuck between.
   */
  async start(
    jobId: string,
    inputValues: Record<string, unknown> | undefined,
    idempotency?: JobIdempotency,
  ): Promise<Job> {
    const stored = await this.requireStored(jobId);
    // A start retried with its key after its run began answers that run.
    if (
      stored.run &&
      idempotency !== undefined &&
      (await runStartedWith(this.deps.temporal.client, jobId, stored.run.run_id, idempotency.id))
    )
      return this.get(jobId);
    return this.startStored(stored, inputValues, (message) => temporalUnavailable(message), idempotency?.id);
  }

  /** {@link start} of a job as just read: 409 unless it is PENDING. */
  private async startStored(
    stored: StoredJob,
    inputValues: Record<string, unknown> | undefined,
    unavailable: (message: string) => ApiProblem,
    idempotencyId: string | undefined,
  ): Promise<Job> {
    const pending = this.requirePendingOf(stored);
    let job = pending.job;
    let revision = pending.revision;
    const values: Record<string, unknown> = { ...job.input_values };
    for (const [id, value] of Object.entries(inputValues ?? {})) {
      if (value === null) delete values[id];
      else values[id] = value;
    }
    const checked = await this.checkInputs(job.input_variables, values);
    refuseInvalidInputs(checked.errors, undefined);
    if (inputValues !== undefined) ({ job, revision } = await this.saveInputRecord(job, checked.values, {}));
    return this.launch(job, revision, pending.runs, unavailable, idempotencyId);
  }

  /**
   * Starts the first (or next) run of a PENDING job whose record was just read or written at
   * `revision`, and claims the job for it; `runs` are its earlier runs. The start of both
   * `create` with `start` and `start`: Temporal unreachable, `unavailable` is the answer.
   * `idempotencyId`, the request's key, goes in the run's memo: a retry of the request that
   * finds the run open (this start reached Temporal, its answer did not reach the caller)
   * answers that run instead of a 409.
   */
  private async launch(
    job: JobRecord,
    revision: number,
    runs: readonly RunSummary[],
    unavailable: (message: string) => ApiProblem,
    idempotencyId?: string,
  ): Promise<Job> {
    const jobId = job.job_id;
    const startedAt = this.now();
    // The run is handed its start as just read, so it begins without reading the job again;
    // it still claims the job itself, fenced by this revision.
    const prepared = preparedStartOf(job, revision, this.toolDefaults);
    const input =
      JSON.stringify(prepared).length <= MAX_PREPARED_START_BYTES
        ? { job_id: jobId, started_at: startedAt, prepared }
        : { job_id: jobId, started_at: startedAt };
    const started = await this.startAfterClose(job, input, runs, idempotencyId);
    switch (started.ok) {
      case true: {
        // A prepared run is claimed here, by the same fenced write its first activity makes
        // (whichever comes first wins, the other finds it done): the answer is then exactly
        // what the claim stored, with no wait for a worker. Should this process die before
        // the claim, the run claims the job itself. A run given only the job ID claims it
        // through its `beginRun`: that is waited for, briefly.
        const claimed =
          input.prepared !== undefined
            ? await this.claimStarted(jobId, started.run_id, startedAt, revision)
            : await this.awaitClaim(jobId, started.run_id);
        const run = storedRunState(job, initialRunHeader(runHeaderSource(job), started.run_id, startedAt), []);
        const listed = [
          ...runs,
          ...(claimed ? [{ run_id: started.run_id, status: 'RUNNING' as const, started_at: startedAt }] : []),
        ];
        return this.view({
          stored: { job: { ...job, run_id: started.run_id }, run, runs: listed, updated_at: startedAt, revision },
          run,
          stale: false,
        });
      }
      case false:
        switch (started.code) {
          case 'ALREADY_RUNNING': {
            const open = idempotencyId === undefined ? undefined : await openRunOf(this.deps.temporal.client, jobId);
            if (
              open !== undefined &&
              idempotencyId !== undefined &&
              (await runStartedWith(this.deps.temporal.client, jobId, open, idempotencyId))
            ) {
              // This request's own run, started by an attempt that died before claiming the job:
              // the run claims it itself (fenced by the revision it was prepared from).
              await this.awaitClaim(jobId, open);
              return this.get(jobId);
            }
            throw jobConflict(
              'JOB_NOT_PENDING',
              `job '${jobId}' already has a run in progress; only PENDING jobs can start`,
              { status: 'RUNNING' },
            );
          }
          case 'TEMPORAL_UNAVAILABLE':
            throw unavailable(started.message);
        }
    }
  }

  /**
   * Starts a run of a job whose earlier runs the store shows `runs`. A run records its
   * ending before its workflow closes (the last step's activity records a completed run),
   * so a job reset right after may find that run still open for a moment: Temporal refuses
   * a second open run, and the start waits for the ended one to close and tries again.
   */
  private async startAfterClose(
    job: JobRecord,
    input: JobRunInput,
    runs: readonly RunSummary[],
    idempotencyId?: string,
  ): Promise<StartRunResult> {
    const client = this.deps.temporal.client;
    const started = await startRun(client, this.deps.temporal.taskQueue, job, input, idempotencyId);
    if (started.ok || started.code !== 'ALREADY_RUNNING') return started;
    const open = await openRunOf(client, job.job_id);
    // No open run any more: the one that refused this start has closed meanwhile.
    if (open !== undefined) {
      const ended = runs.some((run) => run.run_id === open && run.status !== 'RUNNING');
      if (!ended || !(await awaitRunClosed(client, job.job_id, open, CLOSE_WAIT_MS))) return started;
    }
    return startRun(client, this.deps.temporal.taskQueue, job, input, idempotencyId);
  }

  /** Pauses a running job at its next step boundary (the `pause` signal's effect, answered). */
  async pause(jobId: string): Promise<Job> {
    return this.setPaused(jobId, true);
  }

  /** Lets a paused job go on. */
  async resume(jobId: string): Promise<Job> {
    return this.setPaused(jobId, false);
  }

  private async setPaused(jobId: string, paused: boolean): Promise<Job> {
    const run = await this.requireRunning(jobId, paused ? 'pause' : 'resume');
    const result = await setRunPaused(this.deps.temporal.client, jobId, run.run_id, paused);
    if (!result.ok) {
      switch (result.code) {
        case 'ALREADY_PAUSED':
          throw jobConflict('JOB_ALREADY_PAUSED', `job '${jobId}' is already paused`, {
            status: 'RUNNING',
            is_paused: true,
          });
        case 'NOT_PAUSED':
          throw jobConflict(
            'JOB_NOT_PAUSED',
            `job '${jobId}' is running and not paused; only a paused job can resume`,
            { status: 'RUNNING', is_paused: false },
          );
        case 'RUN_FINISHED':
        case 'TEMPORAL_UNAVAILABLE':
          return this.runUnreachable(jobId, result.code, result.message);
      }
    }
    return this.get(jobId);
  }

  /**
   * Cancels a running (or paused) job through Temporal's native cancellation, exactly as
   * `temporal workflow cancel` does: the running tool is told to stop, the job ends FAILED
   * with "Job cancelled by user", and the run ends Cancelled. Waits briefly for that end.
   */
  async cancel(jobId: string): Promise<Job> {
    const stored = await this.requireStored(jobId);
    if (!stored.run) {
      // Started, but no worker has begun the run yet: cancel it in Temporal, and the job never leaves PENDING.
      const open = await openRunOf(this.deps.temporal.client, jobId);
      if (open !== undefined) {
        await cancelRun(this.deps.temporal.client, jobId, open, CLOSE_WAIT_MS);
        return this.get(jobId);
      }
    }
    const run = await this.requireRunning(jobId, 'cancel');
    const result = await cancelRun(this.deps.temporal.client, jobId, run.run_id, CLOSE_WAIT_MS);
    if (!result.ok) {
      switch (result.code) {
        case 'RUN_FINISHED': {
          // Closed in Temporal: ended there without its ending recorded (terminated), the store learns it now.
          await endRunIfClosed(this.deps, await this.requireStored(jobId));
          const after = await this.current(jobId);
          throw jobConflict('JOB_NOT_RUNNING', `job '${jobId}' has finished; only a running job can be cancelled`, {
            status: jobStatusOf(after.run?.status),
          });
        }
        case 'TEMPORAL_UNAVAILABLE':
          throw temporalUnavailable(result.message);
      }
    }
    return this.get(jobId);
  }

  /**
   * Returns a job to PENDING (seed 002 `resetJob`): its steps, outputs, errors, progress and
   * run timestamps are cleared, input values kept. A run in progress is cancelled first and
   * awaited (terminated if it does not close in time). The old run stays in Temporal and in
   * the job's `runs`.
   */
  async reset(jobId: string): Promise<Job> {
    const stored = await this.requireStored(jobId);
    const run = stored.run;
    if (!run)
      throw jobConflict('JOB_NOT_STARTED', `job '${jobId}' is PENDING and has no run; there is nothing to reset`, {
        status: 'PENDING',
      });
    if (run.status === 'InProgress') {
      const cancelled = await cancelRun(this.deps.temporal.client, jobId, run.run_id, CLOSE_WAIT_MS);
      if (!cancelled.ok && cancelled.code === 'TEMPORAL_UNAVAILABLE') throw temporalUnavailable(cancelled.message);
      // Closed in Temporal, perhaps without its ending recorded (terminated): the old run keeps how it ended.
      if (cancelled.ok ? cancelled.closed : cancelled.code === 'RUN_FINISHED') await endRunIfClosed(this.deps, stored);
      if (cancelled.ok && !cancelled.closed) {
        // No worker finished the cancellation in time: end the run without it, so the reset holds.
        await terminateRun(this.deps.temporal.client, jobId, run.run_id, `Ordo job ${jobId} reset`);
        await this.deps.store.jobs.closeRun(run.run_id, 'Cancelled', this.now());
      }
    }
    const result = await this.deps.store.jobs.reset(jobId, run.run_id, this.now());
    if (!result.ok) {
      switch (result.code) {
        case 'JOB_NOT_FOUND':
          throw notFound('Job', jobId);
        case 'RUN_CHANGED': {
          const after = await this.current(jobId);
          throw jobConflict(
            'JOB_CHANGED',
            `job '${jobId}' changed while it was being reset (another reset, start or retry won)`,
            {
              status: jobStatusOf(after.run?.status),
            },
          );
        }
      }
    }
    return this.get(jobId);
  }

  /**
   * Retries a failed job from the step that failed (or from `fromStep`, at or before it):
   * a new run that reuses the recorded outputs of the steps before it. With `dryRun`, only
   * the plan is returned and nothing starts.
   */
  async retry(jobId: string, fromStep: string | undefined, dryRun: boolean): Promise<{ plan: RetryPlan; job?: Job }> {
    const stored = await this.requireStored(jobId);
    const status = jobStatusOf(stored.run?.status);
    if (!stored.run || status !== 'FAILED') {
      throw jobConflict('JOB_NOT_FAILED', `job '${jobId}' is ${status}; only a FAILED job can be retried`, {
        status,
        ...(stored.run && { is_paused: stored.run.paused }),
      });
    }
    const planned = retryPlan(stored.job, stored.run, fromStep);
    if (!planned.ok) {
      switch (planned.code) {
        case 'NOT_FAILED':
          throw jobConflict('JOB_NOT_FAILED', planned.message, { status });
        case 'UNKNOWN_STEP':
        case 'STEP_AFTER_FAILURE':
          throw validationProblem([{ field: 'from_step', message: planned.message }]);
      }
    }
    const plan = planned.plan;
    if (dryRun) return { plan };
    const startedAt = this.now();
    const started = await this.startAfterClose(
      stored.job,
      { job_id: jobId, started_at: startedAt, retry: { run_id: plan.run_id, from_step_index: plan.from_step_index } },
      stored.runs,
    );
    if (!started.ok) {
      switch (started.code) {
        case 'ALREADY_RUNNING':
          throw jobConflict('JOB_NOT_FAILED', `job '${jobId}' already has a run in progress`, { status: 'RUNNING' });
        case 'TEMPORAL_UNAVAILABLE':
          throw temporalUnavailable(started.message);
      }
    }
    await this.awaitClaim(jobId, started.run_id);
    return { plan, job: await this.storedView(jobId) };
  }

  /** Waits until the run `runId` has claimed the job (true), or the wait runs out (false). */
  /**
   * Claims a job for the prepared run just started. Refused, the job changed while it was
   * starting (its inputs set again, or another start won): the run started finds the same
   * and does nothing, and the caller gets the job's state as it now is.
   */
  private async claimStarted(jobId: string, runId: string, startedAt: string, revision: number): Promise<true> {
    const claim = await this.deps.store.runs.claimPrepared(
      { job_id: jobId, run_id: runId, started_at: startedAt, revision },
      this.now(),
    );
    if (claim.ok) return true;
    switch (claim.code) {
      case 'JOB_NOT_FOUND':
        throw notFound('Job', jobId);
      case 'JOB_CHANGED':
      case 'JOB_NOT_STARTABLE': {
        const now = await this.requireStored(jobId);
        throw jobConflict(
          'JOB_NOT_PENDING',
          `job '${jobId}' changed while it was starting; nothing was started: ${claim.message}`,
          { status: jobStatusOf(now.run?.status) },
        );
      }
    }
  }

  private async awaitClaim(jobId: string, runId: string, waitMs = CLAIM_WAIT_MS): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    // Doubling from 10 ms: a run on an idle worker claims within tens of milliseconds; under
    // load the first activity can queue for seconds, and polling less often then costs less.
    for (let delay = 10; ; delay = Math.min(delay * 2, 400)) {
      if ((await this.deps.store.jobs.currentRunId(jobId)) === runId) return true;
      if (Date.now() + delay > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** A page of jobs, newest first, as stored: summaries, without steps, inputs or outputs. */
  async list(query: ListJobsQuery): Promise<{ items: JobSummary[]; next_cursor: string | null }> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    // One extra row tells whether another page exists without a count query.
    const rows = await this.deps.store.jobs.list({
      workflow_id: query.workflow_id,
      status: query.status,
      limit: query.limit + 1,
      after,
    });
    const page = rows.slice(0, query.limit);
    const items = page.map((stored) =>
      JobSummary.parse(jobView(stored.job, stored.run, stored.runs, { updated_at: stored.updated_at })),
    );
    const last = page.at(-1);
    return {
      items,
      next_cursor:
        rows.length > query.limit && last
          ? encodeCursor({ created_at: last.job.created_at, job_id: last.job.job_id })
          : null,
    };
  }

  /** A job: as stored once finished, live from its workflow while it runs (or marked stale). */
  async get(jobId: string): Promise<Job> {
    return this.view(await this.current(jobId));
  }

  /** Seed 000's executionState, with every value whole. */
  async executionState(jobId: string): Promise<ExecutionState & { stale?: true }> {
    const now = await this.current(jobId);
    const state = executionStateOf(now.stored.job, now.run);
    const blobs = this.deps.store.blobs;
    return {
      ...state,
      variables: await resolveValueRecord(state.variables, blobs),
      step_results: await Promise.all(
        state.step_results.map(async (r) => ({ ...r, outputs: await resolveValueRecord(r.outputs, blobs) })),
      ),
      ...(now.stale && { stale: true as const }),
    };
  }

  /** What a control update met instead of the run: its end (409 with the job's state now), or no answer from Temporal (503). */
  private async runUnreachable(
    jobId: string,
    code: 'RUN_FINISHED' | 'TEMPORAL_UNAVAILABLE',
    message: string,
  ): Promise<never> {
    if (code === 'TEMPORAL_UNAVAILABLE') throw temporalUnavailable(message);
    const after = await this.current(jobId);
    throw jobConflict('JOB_NOT_RUNNING', `job '${jobId}' has finished`, { status: jobStatusOf(after.run?.status) });
  }

  /** Seed 001's runtime execution of a job (`TRuntimeWorkflowExecution`), with every value whole. */
  async execution(jobId: string): Promise<RuntimeWorkflowExecution & { stale?: true }> {
    const now = await this.current(jobId);
    const view = runtimeExecutionOf(now.stored.job, now.run);
    const blobs = this.deps.store.blobs;
    const steps = await Promise.all(
      Object.entries(view.steps).map(
        async ([id, step]) =>
          [
            id,
            step.outputData
              ? { ...step, outputData: await resolveValueRecord(step.outputData as Record<string, SchemaValue>, blobs) }
              : step,
          ] as const,
      ),
    );
    return { ...view, steps: Object.fromEntries(steps), ...(now.stale && { stale: true as const }) };
  }

  /**
   * Confirms a `sys.human_confirm` step that is waiting, through the workflow's `confirm`
   * update: its payload becomes the step's outputs. A payload that breaks the step's schema
   * is refused here (422) before anything is sent; a step that is not waiting is a 409.
   */
  async confirm(jobId: string, stepId: string, payload: SchemaValue | undefined): Promise<Job> {
    const stored = await this.requireStored(jobId);
    const step = stored.job.steps.find((s) => s.step_id === stepId);
    if (!step) throw notFound('Step', stepId);
    if (step.type !== 'sys.human_confirm') {
      throw validationProblem([
        {
          field: 'step_id',
          message: `step '${stepId}' is a ${step.type} step; only sys.human_confirm steps are confirmed`,
        },
      ]);
    }
    const invalid = confirmationRefusal(step, payload);
    if (invalid !== undefined) throw validationProblem([{ field: 'payload', message: invalid }]);
    const run = await this.requireRunning(jobId, 'be confirmed');
    const result = await confirmRunStep(this.deps.temporal.client, jobId, run.run_id, stepId, payload);
    if (!result.ok) {
      switch (result.code) {
        case 'CONFIRMATION_REFUSED':
          throw jobConflict('STEP_NOT_WAITING', `${result.message}`, { status: 'RUNNING', is_paused: run.paused });
        case 'RUN_FINISHED':
        case 'TEMPORAL_UNAVAILABLE':
          return this.runUnreachable(jobId, result.code, result.message);
      }
    }
    return this.get(jobId);
  }

  /** One job variable, whole: an input, or an output some step wrote. */
  async variable(jobId: string, name: string): Promise<{ variable: string; value: SchemaValue }> {
    const now = await this.current(jobId);
    const variables =
      now.run?.variables ?? effectiveInputs(now.stored.job.input_variables, now.stored.job.input_values);
    const value = variables[name];
    if (value === undefined) {
      throw new ApiProblem(
        404,
        'NOT_FOUND',
        'Variable not found',
        `job '${jobId}' has no value for variable '${name}'`,
        [
          {
            field: 'variable',
            message: `must name a variable with a value: ${Object.keys(variables).join(', ') || 'none yet'}`,
          },
        ],
      );
    }
    return { variable: name, value: await resolveValueRefs(value, this.deps.store.blobs) };
  }

  /** A job as stored, without asking its workflow: for answers given right after the run recorded a change. */
  private async storedView(jobId: string): Promise<Job> {
    const stored = await this.requireStored(jobId);
    return this.view({ stored, run: stored.run, stale: false });
  }

  /** The stored job and, while it runs, its live run state from the workflow. */
  private async current(jobId: string): Promise<JobNow> {
    // Taken first: the live state must come from a query sent after this read began.
    const mark = readMark();
    const stored = await this.requireStored(jobId);
    const run = stored.run;
    if (!run || run.status !== 'InProgress') return { stored, run, stale: false };
    const live = await readRunState(this.deps.temporal.client, jobId, run.run_id, mark);
    if (!live) {
      // No answer: the worker may be down, or the run's executions closed without recording
      // its ending (terminated in Temporal), and no answer would ever come.
      if ((await endRunIfClosed(this.deps, stored)) !== 'ended') return { stored, run, stale: true };
      const after = await this.requireStored(jobId);
      return { stored: after, run: after.run, stale: false };
    }
    // The workflow answers a window of a long run's steps; the store holds the others.
    return { stored, run: withRecordedAttempts(composeRunState(live, run), run), stale: false };
  }

  private async view(now: JobNow): Promise<Job> {
    const { job } = now.stored;
    const view = jobView(job, now.run, now.stored.runs, { stale: now.stale, updated_at: now.stored.updated_at });
    const blobs = this.deps.store.blobs;
    const base = `/v1/jobs/${job.job_id}/outputs`;
    const readable = async (values: Record<string, SchemaValue>, names: (name: string) => string) =>
      Object.fromEntries(
        await Promise.all(
          Object.entries(values).map(
            async ([k, v]) => [k, await readableValue(v, blobs, `${base}/${names(k)}`)] as const,
          ),
        ),
      );
    const stepTargets = new Map(job.steps.map((s) => [s.step_id, s.type === 'tool' ? s.output_mappings : {}]));
    return {
      ...view,
      output_data: await readable(view.output_data, (k) => k),
      steps: await Promise.all(
        view.steps.map(async (step) =>
          step.output_data === undefined
            ? step
            : {
                ...step,
                output_data: await readable(step.output_data, (k) => stepTargets.get(step.step_id)?.[k] ?? k),
              },
        ),
      ),
    };
  }

  private async requireStored(jobId: string): Promise<StoredJob> {
    const stored = await this.deps.store.jobs.getStored(jobId);
    if (!stored) throw notFound('Job', jobId);
    return stored;
  }

  private async require(jobId: string): Promise<JobRecord> {
    const job = await this.deps.store.jobs.get(jobId);
    if (!job) throw notFound('Job', jobId);
    return job;
  }

  private async requirePending(jobId: string): Promise<JobRecord> {
    return (await this.requirePendingStored(jobId)).job;
  }

  private async requirePendingStored(jobId: string): Promise<StoredJob> {
    return this.requirePendingOf(await this.requireStored(jobId));
  }

  private requirePendingOf(stored: StoredJob): StoredJob {
    const jobId = stored.job.job_id;
    if (stored.run) {
      const status = jobStatusOf(stored.run.status);
      throw jobConflict(
        'JOB_NOT_PENDING',
        `job '${jobId}' is ${status}; this is possible only while it is PENDING (reset it first)`,
        { status, is_paused: stored.run.paused },
      );
    }
    return stored;
  }

  private async requireRunning(jobId: string, action: string): Promise<RunState> {
    const current = await this.current(jobId);
    const run = current.run;
    if (!run || run.status !== 'InProgress') {
      const status = jobStatusOf(run?.status);
      throw jobConflict('JOB_NOT_RUNNING', `job '${jobId}' is ${status}; only a RUNNING job can ${action}`, {
        status,
        ...(run && { is_paused: run.paused }),
      });
    }
    return run;
  }

  /** Checks values against the job's variables, looking up every file they name. */
  private async checkInputs(variables: readonly InputVariable[], values: Record<string, unknown>) {
    return validateInputsWithFiles(this.deps.store.files, variables, values);
  }

  private async saveInputs(
    job: JobRecord,
    values: Record<string, SchemaValue>,
    errors: Record<string, string>,
  ): Promise<Job> {
    await this.saveInputRecord(job, values, errors);
    return this.get(job.job_id);
  }

  private async saveInputRecord(
    job: JobRecord,
    values: Record<string, SchemaValue>,
    errors: Record<string, string>,
  ): Promise<{ job: JobRecord; revision: number }> {
    const result = await this.deps.store.jobs.setInputs(job.job_id, values, errors, this.now());
    if (result.ok) return { job: result.job, revision: result.revision };
    switch (result.code) {
      case 'JOB_NOT_FOUND':
        throw notFound('Job', job.job_id);
      case 'JOB_NOT_PENDING':
        throw jobConflict('JOB_NOT_PENDING', `job '${job.job_id}' started while its inputs were being set`, {
          status: 'RUNNING',
        });
      case 'FILE_NOT_FOUND':
        throw fileDeletedMeanwhile();
    }
  }
}

/** The 503 of a create with `start` whose job was created but could not start: it names the job. */
function createdUnstarted(jobId: string): (message: string) => ApiProblem {
  return (message) =>
    temporalUnavailable(
      `the job was created, PENDING, but could not start: ${message}; start it with POST /v1/jobs/${jobId}/start, or send this request again with its Idempotency-Key`,
      { job_id: jobId },
    );
}

/** A file the inputs name was deleted between their check and their write: nothing was written. */
function fileDeletedMeanwhile(): ApiProblem {
  return validationProblem([
    {
      field: 'input_values',
      message: 'a file these inputs name was deleted while they were being set; upload it again',
    },
  ]);
}

/**
 * The live state with each running step's attempt number and progress as its tool
 * activity recorded them (the workflow learns them only when the attempt ends).
 */
function withRecordedAttempts(live: RunState, stored: RunState): RunState {
  return {
    ...live,
    steps: live.steps.map((step) => {
      const recorded = stored.steps[step.index];
      if (step.status !== 'InProgress' || !recorded || recorded.attempt < step.attempt) return step;
      return {
        ...step,
        attempt: recorded.attempt,
        ...(recorded.progress !== undefined && { progress: recorded.progress }),
      };
    }),
  };
}

/**
 * Refuses inputs with errors, with 422 and nothing changed: every error when the job is to
 * start (`given` undefined: all must be set and valid), else only those of the values given
 * (a variable still unset is listed in the job's `input_errors`, not refused).
 */
function refuseInvalidInputs(errors: Record<string, string>, given: readonly string[] | undefined): void {
  const refused = Object.entries(errors).filter(([id]) => given === undefined || given.includes(id));
  if (refused.length === 0) return;
  throw new ApiProblem(
    422,
    'INPUTS_INVALID',
    'Job inputs invalid',
    given === undefined
      ? 'every required input must be set and valid before the job starts; nothing was changed'
      : 'every input value given must be valid; nothing was changed',
    refused.map(([field, message]) => ({ field: `input_values.${field}`, message })),
    { input_errors: Object.fromEntries(refused) },
  );
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
