import { z } from 'zod';
import { checkDefinitionStructure, issueStepId } from '../jobs/definition-checks';
import { StepDefinition } from './step-definition';
import { WorkflowStatus } from './status';
import { Identifier, InputVariable, PlainText } from './variable-schema';

/**
 * The fields of a workflow definition, without the rules across them: how a stored
 * version is read back (the rules ran when it was saved, and run again when it is
 * published, so a version saved under older rules can still be read and then fixed).
 */
export const WorkflowDefinitionFields = z.strictObject({
  workflow_id: Identifier,
  name: PlainText.min(1).max(200),
  description: z.string().max(10_000).optional(),
  status: WorkflowStatus.default('DRAFT'),
  // Unique variable_ids are a structural rule below (`unique_variable_ids`), reported once with its name.
  input_variables: z.array(InputVariable).max(500).default([]),
  steps: z.array(StepDefinition).min(1, 'a workflow needs at least one step').max(10_000),
  /**
   * The variables that make up a finished job's `output_data`. Without it, `output_data`
   * holds every variable a step writes that no later step reads (see `outputVariableNames`).
   */
  output_variables: z.array(Identifier).max(1000).optional(),
});
export type WorkflowDefinitionFields = z.infer<typeof WorkflowDefinitionFields>;

/**
 * The body of `POST /v1/workflows`: a template with typed inputs and ordered steps.
 * The structural rules (those that need no tool catalog) are part of the schema, so every
 * save checks them, drafts included; each issue carries its rule's name in `params.rule`.
 */
export const WorkflowDefinition = WorkflowDefinitionFields.superRefine((def, ctx) => {
  for (const issue of checkDefinitionStructure(def)) {
    const stepId = issueStepId(def, issue.path);
    ctx.addIssue({
      code: 'custom',
      path: issue.path,
      message: issue.message,
      params: { rule: issue.rule, ...(stepId !== undefined && { step_id: stepId }) },
    });
  }
});
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;
