import { orderedSteps, outputVariableNames, validateInputs, type JobRecord, type WorkflowDefinition } from '@ordo/core';
import { newId, type OrdoStore } from '@ordo/storage';

/** Stores a workflow version and a PENDING job of it, as the API would, for tests that start runs directly. */
export async function insertJob(
  store: OrdoStore,
  definition: WorkflowDefinition,
  values: JobRecord['input_values'],
): Promise<JobRecord> {
  const now = new Date().toISOString();
  const workflowId = `${definition.workflow_id}_${newId('job').slice(4, 12)}`;
  await store.workflows.create({ ...definition, workflow_id: workflowId }, now);
  const job: JobRecord = {
    job_id: newId('job'),
    workflow_id: workflowId,
    workflow_version: 1,
    name: definition.name,
    created_at: now,
    updated_at: now,
    input_variables: definition.input_variables,
    input_values: values,
    input_errors: validateInputs(definition.input_variables, values).errors,
    steps: orderedSteps(definition.steps).map((s, i) => ({ ...s, sequence_number: i })),
    output_variables: outputVariableNames(definition),
    correlation_id: 'corr-test',
    context: {},
  };
  await store.jobs.insert(job);
  return job;
}
