import { JobRecord, StepRun, type RunHeader, jobStatusOf, type RunState, type RunSummary } from '@ordo/core';
import type { Insertable, Selectable } from 'kysely';
import { ParseCache } from './parse-cache';
import type { JobTable, RunTable, StepRunTable } from './schema';

/*
 * The row codecs of jobs, runs and step records: model to row and back, each mapping
 * written once for every repository that reads or writes those tables.
 */

/** The row of a new, PENDING job: no run yet. */
export function newJobRow(job: JobRecord) {
  return {
    job_id: job.job_id,
    workflow_id: job.workflow_id,
    workflow_version: job.workflow_version,
    name: job.name,
    description: job.description ?? null,
    status: 'PENDING',
    created_at: job.created_at,
    updated_at: job.updated_at,
    started_at: null,
    completed_at: null,
    input_variables: JSON.stringify(job.input_variables),
    input_values: JSON.stringify(job.input_values),
    input_errors: JSON.stringify(job.input_errors),
    steps: JSON.stringify(job.steps),
    run_id: null,
    run: null,
    correlation_id: job.correlation_id,
    context: JSON.stringify(job.context),
    parent_job_id: job.parent_job_id ?? null,
    root_job_id: job.root_job_id ?? null,
    output_variables: JSON.stringify(job.output_variables),
  } satisfies Insertable<JobTable>;
}

/** A job row's definition parts, the same text for every job of a workflow version: parsed once per text. */
const JobSteps = new ParseCache(JobRecord.shape.steps);
export const JobInputVariables = new ParseCache(JobRecord.shape.input_variables);
const JobRecordRest = JobRecord.omit({ steps: true, input_variables: true });

/** The job row's columns that follow its current run's header (status and times, for lists and filters). */
export function jobColumnsOf(header: RunHeader, now: string) {
  return {
    status: jobStatusOf(header.status),
    started_at: header.started_at,
    completed_at: header.completed_at ?? null,
    run: JSON.stringify(header),
    updated_at: now,
  };
}

/** The run row's columns that follow the run's header: how and when it ended. */
export function runEndingColumns(header: RunHeader) {
  return { status: header.status, completed_at: header.completed_at ?? null };
}

/** The job row's columns once `runId` has claimed it (started at `startedAt`), before the run records anything. */
export function claimedJobColumns(runId: string, startedAt: string, now: string) {
  return { status: 'RUNNING', run_id: runId, started_at: startedAt, completed_at: null, run: null, updated_at: now };
}

/** A job row as its record. */
export function recordOf(row: Selectable<JobTable>): JobRecord {
  const rest = JobRecordRest.parse({
    job_id: row.job_id,
    workflow_id: row.workflow_id,
    workflow_version: row.workflow_version,
    name: row.name,
    description: row.description ?? undefined,
    created_at: row.created_at,
    updated_at: row.updated_at,
    input_values: JSON.parse(row.input_values) as unknown,
    input_errors: JSON.parse(row.input_errors) as unknown,
    output_variables: JSON.parse(row.output_variables) as unknown,
    correlation_id: row.correlation_id,
    context: JSON.parse(row.context) as unknown,
    parent_job_id: row.parent_job_id ?? undefined,
    root_job_id: row.root_job_id ?? undefined,
    run_id: row.run_id ?? undefined,
  });
  return { ...rest, input_variables: JobInputVariables.parse(row.input_variables), steps: JobSteps.parse(row.steps) };
}

/** A run row as the summary every job lists. */
export function runSummaryOf(row: Selectable<RunTable>): RunSummary {
  const status = row.status as RunState['status'];
  return {
    run_id: row.run_id,
    status: jobStatusOf(status),
    ...(status === 'Cancelled' && { cancelled: true }),
    started_at: row.started_at,
    ...(row.completed_at !== null && { completed_at: row.completed_at }),
    ...(row.retry_of_run_id !== null && {
      retry_of: { run_id: row.retry_of_run_id, from_step_index: row.from_step_index ?? 0 },
    }),
  };
}

/** A step record as its row (the StepRun ⇄ row mapping, with {@link stepRunOf}). */
export function stepRunRow(runId: string, jobId: string, step: StepRun, now: string): StepRunTable {
  return {
    run_id: runId,
    step_index: step.index,
    job_id: jobId,
    step_id: step.step_id,
    type: step.type,
    status: step.status,
    attempt: step.attempt,
    max_attempts: step.max_attempts ?? null,
    started_at: step.started_at ?? null,
    completed_at: step.completed_at ?? null,
    failed_at: step.failed_at ?? null,
    due_at: step.due_at ?? null,
    progress: step.progress ?? null,
    note: step.note ?? null,
    reused_from_run: step.reused_from_run ?? null,
    outputs: step.outputs === undefined ? null : JSON.stringify(step.outputs),
    error: step.error === undefined ? null : JSON.stringify(step.error),
    children: step.children === undefined ? null : JSON.stringify(step.children),
    updated_at: now,
  };
}

/** A step row's columns an upsert may replace: all but its key. */
export function withoutKeys(row: StepRunTable): Omit<StepRunTable, 'run_id' | 'step_index'> {
  const { run_id: _r, step_index: _i, ...rest } = row;
  return rest;
}

/** A step row as its record. */
export function stepRunOf(row: Selectable<StepRunTable>): StepRun {
  return StepRun.parse({
    index: row.step_index,
    step_id: row.step_id,
    type: row.type,
    status: row.status,
    attempt: row.attempt,
    max_attempts: row.max_attempts ?? undefined,
    started_at: row.started_at ?? undefined,
    completed_at: row.completed_at ?? undefined,
    failed_at: row.failed_at ?? undefined,
    due_at: row.due_at ?? undefined,
    progress: row.progress ?? undefined,
    note: row.note ?? undefined,
    reused_from_run: row.reused_from_run ?? undefined,
    outputs: row.outputs === null ? undefined : (JSON.parse(row.outputs) as unknown),
    error: row.error === null ? undefined : (JSON.parse(row.error) as unknown),
    children: row.children === null ? undefined : (JSON.parse(row.children) as unknown),
  });
}
