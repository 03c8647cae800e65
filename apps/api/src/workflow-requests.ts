import { Identifier, InputVariable, WorkflowDefinitionFields, WorkflowStatus } from '@ordo/core';
import { z } from 'zod';
import { wholeNumberParam } from './whole-number-param';

/**
 * The definition fields a draft's `PATCH` replaces; those left out stay as they are, and
 * `null` removes an optional one (`description`, or `output_variables`, which brings back
 * the default output rule). The result is checked as a whole against the structural rules.
 */
const fields = WorkflowDefinitionFields.shape;
export const WorkflowDraftPatch = z.strictObject({
  name: fields.name.optional(),
  description: fields.description.nullable(),
  // Without the definition's default: a field left out is left as it is.
  input_variables: z.array(InputVariable).max(500).optional(),
  steps: fields.steps.optional(),
  output_variables: fields.output_variables.nullable(),
});
export type WorkflowDraftPatch = z.infer<typeof WorkflowDraftPatch>;

/**
 * The body of `POST /v1/workflows/{workflow_id}/versions`: a new DRAFT, copied from
 * `from_version` with the fields given replacing the copy's, or, without `from_version`,
 * made of the fields given (then `name` and `steps` are required).
 */
export const CreateWorkflowVersionRequest = WorkflowDraftPatch.extend({
  from_version: z.number().int().positive().max(2_147_483_647).optional(),
});
export type CreateWorkflowVersionRequest = z.infer<typeof CreateWorkflowVersionRequest>;

/** `GET /v1/workflows` filters and paging; `cursor` is the `next_cursor` of the previous page. */
export const ListWorkflowsQuery = z.strictObject({
  status: WorkflowStatus.optional(),
  limit: wholeNumberParam(1, 200).default(50),
  cursor: z.string().min(1).optional(),
});
export type ListWorkflowsQuery = z.infer<typeof ListWorkflowsQuery>;

/** `GET /v1/workflows/{workflow_id}/versions` paging, newest first. */
export const ListVersionsQuery = z.strictObject({
  limit: wholeNumberParam(1, 200).default(50),
  cursor: z.string().min(1).optional(),
});
export type ListVersionsQuery = z.infer<typeof ListVersionsQuery>;

/** The path of one workflow. */
export const WorkflowPath = z.object({ workflow_id: Identifier });

/** The path of one version of a workflow. */
export const VersionPath = z.object({
  workflow_id: Identifier,
  version: wholeNumberParam(1, 2_147_483_647),
});
