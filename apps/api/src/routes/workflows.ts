import { z } from 'zod';
import { WorkflowDefinition } from '@ordo/core';
import { WorkflowRecord, WorkflowVersionSummary } from '@ordo/storage';
import type { AppDeps } from '../deps';
import { component, createRouter, jsonRequest, jsonResponse, links, invalidRequest, route } from '../openapi';
import { FieldError } from '../problem';
import { DefinitionWarning, type ToolLiveness } from '../tool-liveness';
import {
  CreateWorkflowVersionRequest,
  ListVersionsQuery,
  ListWorkflowsQuery,
  VersionPath,
  WorkflowDraftPatch,
  WorkflowPath,
} from '../workflow-requests';
import { WorkflowService } from '../workflow-service';

const DefinitionRef = component(WorkflowDefinition, 'WorkflowDefinition');
const VersionRef = component(WorkflowRecord, 'WorkflowVersion');
const SummaryRef = component(WorkflowVersionSummary, 'WorkflowVersionSummary');

/** The answer of `GET /v1/workflows/{workflow_id}`: its latest version, and the version new jobs take. */
export const Workflow = component(
  WorkflowRecord.safeExtend({
    published_version: z
      .number()
      .int()
      .positive()
      .nullable()
      .describe('The version new jobs take when they name none: the latest PUBLISHED one; null when none is'),
  }),
  'Workflow',
);
export type Workflow = z.infer<typeof Workflow>;

/** The answer of `GET /v1/workflows`: one version per workflow, by workflow_id. */
export const WorkflowList = component(
  z.object({ items: z.array(SummaryRef), next_cursor: z.string().nullable() }),
  'WorkflowList',
);
export type WorkflowList = z.infer<typeof WorkflowList>;

/** The answer of `GET /v1/workflows/{workflow_id}/versions`: newest first. */
export const WorkflowVersionList = component(
  z.object({ items: z.array(SummaryRef), next_cursor: z.string().nullable() }),
  'WorkflowVersionList',
);
export type WorkflowVersionList = z.infer<typeof WorkflowVersionList>;

const DefinitionWarningRef = component(DefinitionWarning, 'DefinitionWarning');
const WARNINGS_DESCRIPTION =
  'What does not stop a publish but may stop its jobs: `field` is its path in the definition (`steps.2.tool`), `rule` its name, `step_id` its step. A tool step whose tool has no worker waits for one.';

/** The answer of `POST /v1/workflows/validate`. */
export const WorkflowValidation = component(
  z.object({
    valid: z.boolean(),
    errors: z
      .array(FieldError)
      .describe('Each broken rule: `field` is its path in the definition, `rule` its name, `step_id` its step'),
    warnings: z
      .array(DefinitionWarningRef)
      .describe(`${WARNINGS_DESCRIPTION} Checked only when the definition is valid.`),
  }),
  'WorkflowValidation',
);
export type WorkflowValidation = z.infer<typeof WorkflowValidation>;

/** The answer of a publish: the published version, and what may stop its jobs. */
export const PublishedWorkflowVersion = component(
  WorkflowRecord.safeExtend({ warnings: z.array(DefinitionWarningRef).describe(WARNINGS_DESCRIPTION) }),
  'PublishedWorkflowVersion',
);
export type PublishedWorkflowVersion = z.infer<typeof PublishedWorkflowVersion>;

const PatchRef = component(WorkflowDraftPatch, 'WorkflowDraftPatch');
const CreateVersionRef = component(CreateWorkflowVersionRequest, 'CreateWorkflowVersionRequest', {
  // The service's rule, stated: a version is copied from `from_version`, or made of `name` and `steps`.
  anyOf: [{ required: ['from_version'] }, { required: ['name', 'steps'] }],
});

const TAGS: [string] = ['workflows'];

/** What a saved version opens: the version itself, and its workflow's other versions. */
const VERSION_LINKS = {
  ...links(
    { workflow_id: '$response.body#/workflow_id' },
    {
      GetWorkflow: ['get', '/v1/workflows/{workflow_id}', 'Its workflow'],
      ListVersions: ['get', '/v1/workflows/{workflow_id}/versions', "Its workflow's versions"],
      CreateVersion: ['post', '/v1/workflows/{workflow_id}/versions', 'A new draft of its workflow'],
    },
  ),
  ...links(
    { workflow_id: '$response.body#/workflow_id', version: '$response.body#/version' },
    {
      GetVersion: ['get', '/v1/workflows/{workflow_id}/versions/{version}', 'The version'],
      EditVersion: ['patch', '/v1/workflows/{workflow_id}/versions/{version}', 'Edit it while a draft'],
      PublishVersion: ['post', '/v1/workflows/{workflow_id}/versions/{version}/publish', 'Publish it'],
      ArchiveVersion: ['post', '/v1/workflows/{workflow_id}/versions/{version}/archive', 'Archive it'],
    },
  ),
};

const createWorkflow = route({
  operationId: 'createWorkflow',
  method: 'post',
  path: '/',
  tags: TAGS,
  summary: 'Create a workflow (its version 1)',
  description:
    'Version 1 is DRAFT unless `status` is PUBLISHED. The structural rules are checked at every save; a workflow created PUBLISHED is checked against the tool catalog too (422 `DEFINITION_INVALID` listing each broken rule). 409 when the workflow_id exists.',
  request: { body: jsonRequest(DefinitionRef) },
  responses: {
    201: {
      ...jsonResponse(VersionRef, 'Version 1 of the new workflow'),
      headers: z.object({ Location: z.string() }),
      links: VERSION_LINKS,
    },
  },
  problems: [409],
});

const listWorkflows = route({
  operationId: 'listWorkflows',
  method: 'get',
  path: '/',
  tags: TAGS,
  summary: 'List workflows',
  description:
    'One version per workflow, by workflow_id: the latest, or with `status` the latest with that status (`status=PUBLISHED`: the versions new jobs take). `limit` 1-200, default 50; `next_cursor` continues.',
  request: { query: ListWorkflowsQuery },
  responses: { 200: jsonResponse(WorkflowList, 'A page of workflows') },
});

/**
 * The body of `POST /v1/workflows/validate`: a definition to check, whatever it holds. Declared as
 * a `WorkflowDefinition` or anything else, so the document neither refuses what the route takes
 * (it answers every way a body breaks the schema as an error) nor hides the shape it checks for.
 */
const DefinitionToCheck = z.unknown().openapi({
  anyOf: [
    { $ref: '#/components/schemas/WorkflowDefinition' },
    {
      not: { $ref: '#/components/schemas/WorkflowDefinition' },
      description: 'Anything else: answered with `valid: false` and what breaks the schema',
    },
  ],
});

const validateWorkflow = route({
  operationId: 'validateWorkflow',
  method: 'post',
  path: '/validate',
  tags: TAGS,
  summary: 'Check a definition against every rule, saving nothing',
  description:
    'Every rule a publish runs, all tiers at once (the structural rules and the catalog rules in one list). Any JSON body is taken and checked as a `WorkflowDefinition`: one that breaks its schema or a rule is answered 200 with `valid: false` and the errors, each naming its field (and its rule). A valid one is answered with the `warnings` a publish would give (a tool no worker serves).',
  request: { body: jsonRequest(DefinitionToCheck) },
  responses: { 200: jsonResponse(WorkflowValidation, 'Whether the definition could be published, and why not') },
});

const getWorkflow = route({
  operationId: 'getWorkflow',
  method: 'get',
  path: '/{workflow_id}',
  tags: TAGS,
  summary: 'Get a workflow',
  description: 'Its latest version, and which version new jobs take (the latest published).',
  request: { params: WorkflowPath },
  responses: { 200: jsonResponse(Workflow, 'Its latest version, with the version new jobs take') },
  problems: [404],
});

const listVersions = route({
  operationId: 'listWorkflowVersions',
  method: 'get',
  path: '/{workflow_id}/versions',
  tags: TAGS,
  summary: "List a workflow's versions",
  description: '`limit` 1-200, default 50, newest first; `next_cursor` continues.',
  request: { params: WorkflowPath, query: ListVersionsQuery },
  responses: { 200: jsonResponse(WorkflowVersionList, 'A page of versions') },
  problems: [404],
});

const createVersion = route({
  operationId: 'createWorkflowVersion',
  method: 'post',
  path: '/{workflow_id}/versions',
  tags: TAGS,
  summary: 'Create a new DRAFT version',
  description:
    "Copied from `from_version` with the fields given replacing the copy's, or made of the fields given alone (`name` and `steps` required). Numbered after the latest version.",
  request: { params: WorkflowPath, body: jsonRequest(CreateVersionRef) },
  responses: {
    201: {
      ...jsonResponse(VersionRef, 'The new draft'),
      headers: z.object({ Location: z.string() }),
      links: VERSION_LINKS,
    },
  },
  problems: [404],
});

const getVersion = route({
  operationId: 'getWorkflowVersion',
  method: 'get',
  path: '/{workflow_id}/versions/{version}',
  tags: TAGS,
  summary: 'Get one version',
  description: 'One version of a workflow, whatever its status.',
  request: { params: VersionPath },
  responses: { 200: jsonResponse(VersionRef, 'The version') },
  problems: [404],
});

const patchVersion = route({
  operationId: 'editWorkflowVersion',
  method: 'patch',
  path: '/{workflow_id}/versions/{version}',
  tags: TAGS,
  summary: 'Edit a DRAFT version',
  description:
    'Replaces the fields given (`null` removes an optional one); the result is checked against the structural rules. 409 `WORKFLOW_VERSION_NOT_DRAFT` naming the status when the version is not a draft.',
  request: { params: VersionPath, body: jsonRequest(PatchRef) },
  responses: { 200: jsonResponse(VersionRef, 'The edited draft') },
  problems: [404, 409],
});

const publishVersion = route({
  operationId: 'publishWorkflowVersion',
  method: 'post',
  path: '/{workflow_id}/versions/{version}/publish',
  tags: TAGS,
  summary: 'Publish a DRAFT version',
  description:
    'Runs every definition rule; 422 `DEFINITION_INVALID` lists each broken one (`errors[]`: `field`, `message`, `rule`, `step_id`). A tool step whose tool version no worker serves is published, and named in `warnings` (`tool_worker_available`). 409 when the version is not a draft, or was edited or archived while it was being published. Once PUBLISHED a version never changes; new jobs take the latest PUBLISHED version.',
  request: { params: VersionPath },
  responses: { 200: jsonResponse(PublishedWorkflowVersion, 'The published version, with its warnings') },
  problems: [404, 409, 422],
});

const archiveVersion = route({
  operationId: 'archiveWorkflowVersion',
  method: 'post',
  path: '/{workflow_id}/versions/{version}/archive',
  tags: TAGS,
  summary: 'Archive a version',
  description:
    'A DRAFT or PUBLISHED version becomes ARCHIVED: no new jobs from it; jobs already created from it go on. 409 when it is ARCHIVED already.',
  request: { params: VersionPath },
  responses: { 200: jsonResponse(VersionRef, 'The archived version') },
  problems: [404, 409],
});

/** `/v1/workflows`: workflow templates and their versions (DRAFT, PUBLISHED, ARCHIVED). */
export function workflowRoutes(deps: AppDeps, liveness: ToolLiveness) {
  const workflows = new WorkflowService(deps, liveness);
  return createRouter()
    .openapi(
      createWorkflow,
      async (c) => {
        const created = await workflows.create(c.req.valid('json'));
        return c.json(created, 201, { Location: `/v1/workflows/${created.workflow_id}` });
      },
      // Created PUBLISHED, a definition breaking a structural rule is refused with every rule it
      // breaks, the catalog's too (the validator hands the hook the body it read as `data`).
      (result) =>
        result.success
          ? undefined
          : workflows.refuseUnpublishable('data' in result ? result.data : undefined).then(() => {
              throw invalidRequest(result);
            }),
    )
    .openapi(listWorkflows, async (c) => c.json(await workflows.list(c.req.valid('query')), 200))
    .openapi(validateWorkflow, async (c) =>
      // A definition that breaks the schema or a rule is an answer here, not a refusal.
      c.json(await workflows.validate(c.req.valid('json')), 200),
    )
    .openapi(getWorkflow, async (c) => c.json(await workflows.get(c.req.valid('param').workflow_id), 200))
    .openapi(listVersions, async (c) =>
      c.json(await workflows.listVersions(c.req.valid('param').workflow_id, c.req.valid('query')), 200),
    )
    .openapi(createVersion, async (c) => {
      const created = await workflows.createVersion(c.req.valid('param').workflow_id, c.req.valid('json'));
      return c.json(created, 201, { Location: `/v1/workflows/${created.workflow_id}/versions/${created.version}` });
    })
    .openapi(getVersion, async (c) => {
      const { workflow_id, version } = c.req.valid('param');
      return c.json(await workflows.getVersion(workflow_id, version), 200);
    })
    .openapi(patchVersion, async (c) => {
      const { workflow_id, version } = c.req.valid('param');
      return c.json(await workflows.patchDraft(workflow_id, version, c.req.valid('json')), 200);
    })
    .openapi(publishVersion, async (c) => {
      const { workflow_id, version } = c.req.valid('param');
      return c.json(await workflows.publish(workflow_id, version), 200);
    })
    .openapi(archiveVersion, async (c) => {
      const { workflow_id, version } = c.req.valid('param');
      return c.json(await workflows.archive(workflow_id, version), 200);
    });
}
