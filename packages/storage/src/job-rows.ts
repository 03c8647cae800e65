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
    schedule_id: job.schedule_id ?? null,
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
export function jobRecordOfRow(row: Selectable<JobTable>): JobRecord {
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
    schedule_id: row.schedule_id ?? undefined,
    run_id: row.run_id ?? undefined,
  });
  return { ...rest, input_variables: JobInputVariables.parse(row.input_variables), steps: JobSteps.parse(row.steps) };
}

/** A run row as the summary every job lists. */
export function runSummaryOfRow(row: Selectable<RunTable>): RunSummary {
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

/**
 * The StepRun ⇄ step row mapping, written once: each record field beside its column, and
 * how it is kept there (`value` as is; `optional` absent as NULL; `json` as JSON text,
 * absent as NULL). {@link stepRunRow} and {@link stepRunOf} both follow it.
 */
const STEP_RUN_COLUMNS = [
  ['index', 'step_index', 'value'],
  ['step_id', 'step_id', 'value'],
  ['type', 'type', 'value'],
  ['status', 'status', 'value'],
  ['attempt', 'attempt', 'value'],
  ['max_attempts', 'max_attempts', 'optional'],
  ['started_at', 'started_at', 'optional'],
  ['completed_at', 'completed_at', 'optional'],
  ['failed_at', 'failed_at', 'optional'],
  ['due_at', 'due_at', 'optional'],
  ['progress', 'progress', 'optional'],
  ['progress_fraction', 'progress_fraction', 'optional'],
  ['note', 'note', 'optional'],
  ['reused_from_run', 'reused_from_run', 'optional'],
  ['outputs', 'outputs', 'json'],
  ['error', 'error', 'json'],
  ['children', 'children', 'json'],
] as const satisfies readonly (readonly [keyof StepRun, keyof StepRunTable, 'value' | 'optional' | 'json'])[];

/** A step record as its row, in run `runId` of job `jobId`, written at `now`. */
export function stepRunRow(runId: string, jobId: string, step: StepRun, now: string): StepRunTable {
  const columns: Record<string, unknown> = { run_id: runId, job_id: jobId, updated_at: now };
  for (const [field, column, kept] of STEP_RUN_COLUMNS) {
    const value = step[field];
    columns[column] =
      kept === 'value' ? value : value === undefined ? null : kept === 'json' ? JSON.stringify(value) : value;
  }
  return columns as unknown as StepRunTable;
}

/** A step row's columns an upsert may replace: all but its key. */
export function withoutKeys(row: StepRunTable): Omit<StepRunTable, 'run_id' | 'step_index'> {
  const { run_id: _r, step_index: _i, ...rest } = row;
  return rest;
}

/** A step row as its record. */
export function stepRunOf(row: Selectable<StepRunTable>): StepRun {
  const fields: Record<string, unknown> = {};
  for (const [field, column, kept] of STEP_RUN_COLUMNS) {
    const value = row[column];
    fields[field] =
      kept === 'value'
        ? value
        : value === null
          ? undefined
          : kept === 'json'
            ? (JSON.parse(value as string) as unknown)
            : value;
  }
  return StepRun.parse(fields);
}
