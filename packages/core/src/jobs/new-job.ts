import type { StepDefinition } from '../steps';
import type { SubWorkflowRef } from '../steps/step-type';
import { orderedSteps, outputVariableNames } from './definition-queries';
import { validateInputs } from '../model/input-validation';
import type { JobRecord } from '../schemas/job';
import type { SchemaValue } from '../schemas/schema-value';
import type { InputVariable } from '../schemas/variable-schema';

/** The published version a new job copies: its definition, number and name. */
export interface NewJobSource {
  workflow_id: string;
  version: number;
  name: string;
  input_variables: InputVariable[];
  steps: StepDefinition[];
  output_variables?: string[] | undefined;
}

/** What a new job is given besides its workflow version. */
export interface NewJobFields {
  job_id: string;
  /** The job's name; the workflow's name when absent. */
  name?: string | undefined;
  description?: string | undefined;
  correlation_id: string;
  context: Record<string, unknown>;
  parent_job_id?: string | undefined;
  root_job_id?: string | undefined;
  /** The schedule whose action creates the job, if one does. */
  schedule_id?: string | undefined;
  /** Input values already checked (`validateInputs`), and what is wrong with them. */
  inputs?: { values: Record<string, SchemaValue>; errors: Record<string, string> } | undefined;
  /** The version each sub-workflow step runs, by its workflow ID, for the steps that pin none (see `subWorkflowRefs`). */
  sub_workflow_versions?: Readonly<Record<string, number>> | undefined;
}

/**
 * A new job's record, as every creator builds it (the API's `POST /v1/jobs`, a run that
 * creates its own job): a copy of the version's steps in execution order, each numbered by
 * its position, sub-workflow steps pinned to the version they will run, its inputs (none
 * yet: `input_errors` lists the missing required ones), and its output variables resolved.
 */
export function newJobRecord(workflow: NewJobSource, fields: NewJobFields, now: string): JobRecord {
  const pins = fields.sub_workflow_versions ?? {};
  const steps = orderedSteps(workflow.steps).map((step, index): StepDefinition => {
    const numbered = { ...step, sequence_number: index };
    if (numbered.type !== 'sys.sub_workflow' || numbered.sub_workflow.version !== undefined) return numbered;
    const pinned = pins[numbered.sub_workflow.workflow_id];
    return pinned === undefined
      ? numbered
      : { ...numbered, sub_workflow: { ...numbered.sub_workflow, version: pinned } };
  });
  const inputs = fields.inputs ?? { values: {}, errors: validateInputs(workflow.input_variables, {}).errors };
  return {
    job_id: fields.job_id,
    workflow_id: workflow.workflow_id,
    workflow_version: workflow.version,
    name: fields.name ?? workflow.name,
    ...(fields.description !== undefined && { description: fields.description }),
    created_at: now,
    updated_at: now,
    input_variables: workflow.input_variables,
    input_values: inputs.values,
    input_errors: inputs.errors,
    steps,
    output_variables: outputVariableNames(workflow),
    correlation_id: fields.correlation_id,
    context: fields.context,
    ...(fields.parent_job_id !== undefined && { parent_job_id: fields.parent_job_id }),
    ...(fields.root_job_id !== undefined && { root_job_id: fields.root_job_id }),
    ...(fields.schedule_id !== undefined && { schedule_id: fields.schedule_id }),
  };
}

/** The workflows a definition's sub-workflow steps run, each with its pinned version if any. */
export function subWorkflowRefs(steps: readonly StepDefinition[]): SubWorkflowRef[] {
  return steps.flatMap((step) =>
    step.type === 'sys.sub_workflow'
      ? [
          {
            workflow_id: step.sub_workflow.workflow_id,
            ...(step.sub_workflow.version !== undefined && { version: step.sub_workflow.version }),
          },
        ]
      : [],
  );
}
