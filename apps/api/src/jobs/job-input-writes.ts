import { validateInputsWithFiles, type InputVariable, type JobRecord, type SchemaValue } from '@ordo/core';
import { ApiProblem, jobConflict, notFound, validationProblem } from '../problem';
import type { JobResources } from './job-resources';

/** Checks values against the job's variables, looking up every file they name. */
export async function checkInputValues(
  resources: JobResources,
  variables: readonly InputVariable[],
  values: Record<string, unknown>,
) {
  return validateInputsWithFiles(resources.store.files, variables, values);
}

/** Writes a pending job's input values and errors; a job started meanwhile is a 409, nothing written. */
export async function saveInputRecord(
  resources: JobResources,
  job: JobRecord,
  values: Record<string, SchemaValue>,
  errors: Record<string, string>,
): Promise<{ job: JobRecord; revision: number }> {
  const result = await resources.store.jobs.setInputs(job.job_id, values, errors, resources.timestamp());
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

export /** A file the inputs name was deleted between their check and their write: nothing was written. */
function fileDeletedMeanwhile(): ApiProblem {
  return validationProblem([
    {
      field: 'input_values',
      message: 'a file these inputs name was deleted while they were being set; upload it again',
    },
  ]);
}

export /**
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
