import {
  initialRunHeader,
  jobStatusOf,
  preparedStartOf,
  retryPlan,
  runHeaderSource,
  storedRunState,
  type Job,
  type JobRecord,
  type JobRunInput,
  type RetryPlan,
  type RunSummary,
} from '@ordo/core';
import type { JobIdempotency, StoredJob } from '@ordo/storage';
import { awaitRunClosed, openRunOf, runStartedWith, startRun, type StartRunResult } from '../job-runs';
import { jobConflict, notFound, temporalUnavailable, validationProblem, type ApiProblem } from '../problem';
import { checkInputValues, refuseInvalidInputs, saveInputRecord } from './job-input-writes';
import type { JobReads } from './job-reads';
import { CLOSE_WAIT_MS, type JobResources } from './job-resources';

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

/**
 * Launching runs: the start of a pending job (and of one created with `start`), the retry
 * of a failed one, and the claim of the job for the run just started. The job's workflow
 * records RUNNING itself when it begins; a prepared run is claimed here as soon as
 * Temporal has it.
 */
export class JobLaunches {
  constructor(
    private readonly resources: JobResources,
    private readonly reads: JobReads,
  ) {}

  /**
   * Starts a pending job (seed 002 `startJob(jobId, inputVariables)`, docs/contract.md): `input_values`, when
   * given, are set and validated as one change first; invalid inputs leave the job as it
   * was. The job's workflow records RUNNING itself when it begins, so an API that dies
   * mid-start leaves the job PENDING (no run) or running (a run), never stuck between.
   */
  async start(
    jobId: string,
    inputValues: Record<string, unknown> | undefined,
    idempotency?: JobIdempotency,
  ): Promise<Job> {
    const stored = await this.reads.requireStored(jobId);
    // A start retried with its key after its run began answers that run.
    if (
      stored.run &&
      idempotency !== undefined &&
      (await runStartedWith(this.resources.temporal.client, jobId, stored.run.run_id, idempotency.id))
    )
      return this.reads.get(jobId);
    return this.startStored(stored, inputValues, (message) => temporalUnavailable(message), idempotency?.id);
  }

  /** {@link start} of a job as just read: 409 unless it is PENDING. */
  async startStored(
    stored: StoredJob,
    inputValues: Record<string, unknown> | undefined,
    unavailable: (message: string) => ApiProblem,
    idempotencyId: string | undefined,
  ): Promise<Job> {
    const pending = this.reads.requirePendingOf(stored);
    let job = pending.job;
    let revision = pending.revision;
    const values: Record<string, unknown> = { ...job.input_values };
    for (const [id, value] of Object.entries(inputValues ?? {})) {
      if (value === null) delete values[id];
      else values[id] = value;
    }
    const checked = await checkInputValues(this.resources, job.input_variables, values);
    refuseInvalidInputs(checked.errors, undefined);
    if (inputValues !== undefined) ({ job, revision } = await saveInputRecord(this.resources, job, checked.values, {}));
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
  async launch(
    job: JobRecord,
    revision: number,
    runs: readonly RunSummary[],
    unavailable: (message: string) => ApiProblem,
    idempotencyId?: string,
  ): Promise<Job> {
    const jobId = job.job_id;
    const startedAt = this.resources.timestamp();
    // The run is handed its start as just read, so it begins without reading the job again;
    // it still claims the job itself, fenced by this revision.
    const prepared = preparedStartOf(job, revision, await this.resources.toolDefaults(job.steps));
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
        return this.reads.view({
          stored: { job: { ...job, run_id: started.run_id }, run, runs: listed, updated_at: startedAt, revision },
          run,
          stale: false,
        });
      }
      case false:
        switch (started.code) {
          case 'ALREADY_RUNNING': {
            const open =
              idempotencyId === undefined ? undefined : await openRunOf(this.resources.temporal.client, jobId);
            if (
              open !== undefined &&
              idempotencyId !== undefined &&
              (await runStartedWith(this.resources.temporal.client, jobId, open, idempotencyId))
            ) {
              // This request's own run, started by an attempt that died before claiming the job:
              // the run claims it itself (fenced by the revision it was prepared from).
              await this.awaitClaim(jobId, open);
              return this.reads.get(jobId);
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
    const client = this.resources.temporal.client;
    const started = await startRun(client, this.resources.temporal.taskQueue, job, input, idempotencyId);
    if (started.ok || started.code !== 'ALREADY_RUNNING') return started;
    const open = await openRunOf(client, job.job_id);
    // No open run any more: the one that refused this start has closed meanwhile.
    if (open !== undefined) {
      const ended = runs.some((run) => run.run_id === open && run.status !== 'RUNNING');
      if (!ended || !(await awaitRunClosed(client, job.job_id, open, CLOSE_WAIT_MS))) return started;
    }
    return startRun(client, this.resources.temporal.taskQueue, job, input, idempotencyId);
  }

  /**
   * Retries a failed job from the step that failed (or from `fromStep`, at or before it):
   * a new run that reuses the recorded outputs of the steps before it. With `dryRun`, only
   * the plan is returned and nothing starts.
   */
  async retry(jobId: string, fromStep: string | undefined, dryRun: boolean): Promise<{ plan: RetryPlan; job?: Job }> {
    const stored = await this.reads.requireStored(jobId);
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
    const startedAt = this.resources.timestamp();
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
    return { plan, job: await this.reads.storedView(jobId) };
  }

  /**
   * Claims a job for the prepared run just started. Refused, the job changed while it was
   * starting (its inputs set again, or another start won): the run started finds the same
   * and does nothing, and the caller gets the job's state as it now is.
   */
  private async claimStarted(jobId: string, runId: string, startedAt: string, revision: number): Promise<true> {
    const claim = await this.resources.store.runs.claimPrepared(
      { job_id: jobId, run_id: runId, started_at: startedAt, revision },
      this.resources.timestamp(),
    );
    if (claim.ok) return true;
    switch (claim.code) {
      case 'JOB_NOT_FOUND':
        throw notFound('Job', jobId);
      case 'JOB_CHANGED':
      case 'JOB_NOT_STARTABLE': {
        const now = await this.reads.requireStored(jobId);
        throw jobConflict(
          'JOB_NOT_PENDING',
          `job '${jobId}' changed while it was starting; nothing was started: ${claim.message}`,
          { status: jobStatusOf(now.run?.status) },
        );
      }
    }
  }

  /** Waits until the run `runId` has claimed the job (true), or the wait runs out (false). */
  private async awaitClaim(jobId: string, runId: string, waitMs = CLAIM_WAIT_MS): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    // Doubling from 10 ms: a run on an idle worker claims within tens of milliseconds; under
    // load the first activity can queue for seconds, and polling less often then costs less.
    for (let delay = 10; ; delay = Math.min(delay * 2, 400)) {
      if ((await this.resources.store.jobs.currentRunId(jobId)) === runId) return true;
      if (Date.now() + delay > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export /** The 503 of a create with `start` whose job was created but could not start: it names the job. */
function createdUnstarted(jobId: string): (message: string) => ApiProblem {
  return (message) =>
    temporalUnavailable(
      `the job was created, PENDING, but could not start: ${message}; start it with POST /v1/jobs/${jobId}/start, or send this request again with its Idempotency-Key`,
      { job_id: jobId },
    );
}
