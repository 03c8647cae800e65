import {
  checkDefinition,
  Identifier,
  issueStepId,
  pinToolVersions,
  WorkflowDefinition,
  WorkflowDefinitionFields,
  type DefinitionIssue,
  type DefinitionShape,
  type WorkflowStatus,
} from '@ordo/core';
import type { WorkflowContent, WorkflowRecord, WorkflowVersionSummary } from '@ordo/storage';
import { createSchemaCheck } from '@ordo/tools';
import { z } from 'zod';
import { decodePageCursor, encodePageCursor } from './cursor';
import type { AppDeps } from './deps';
import { workflowLookupFor } from './sub-workflow-lookup';
import type { DefinitionWarning, ToolLiveness } from './tool-liveness';
import { ApiProblem, notFound, validationProblem, versionConflict, zodFieldErrors, type FieldError } from './problem';
import type {
  CreateWorkflowVersionRequest,
  ListVersionsQuery,
  ListWorkflowsQuery,
  WorkflowDraftPatch,
} from './workflow-requests';

/** A workflow as `GET /v1/workflows/{workflow_id}` answers it: its latest version, and the one new jobs take. */
export type WorkflowView = WorkflowRecord & { published_version: number | null };

/** A page of a list, with the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** What `POST /v1/workflows/validate` answers. */
export interface ValidationResult {
  valid: boolean;
  errors: FieldError[];
  /** What would not stop a publish but may stop its jobs (a tool no worker serves). */
  warnings: DefinitionWarning[];
}

/** A version just published, with what may stop its jobs (a tool no worker serves). */
export type PublishedVersion = WorkflowRecord & { warnings: DefinitionWarning[] };

// A PATCH merges its fields into the draft as read; when another edit lands in between, it
// is merged again onto that one, a few times before giving up with a 409.
const PATCH_ATTEMPTS = 3;

// Strict: a cursor edited by hand is refused unless it still holds what the API writes.
const WorkflowCursor = z.strictObject({ workflow_id: Identifier });
const VersionCursor = z.strictObject({ version: z.number().int().positive().max(2_147_483_647) });

/**
 * Workflow templates and their versions behind the `/v1/workflows` routes. Every change of
 * a version is one conditional write in the repository answering a coded result, handled
 * here by an exhaustive switch: a version changed by someone else meanwhile is never
 * overwritten, and the caller is told what it is now.
 *
 * Where the definition rules run: the structural ones (no tool catalog needed) are part
 * of `WorkflowDefinition`, so every save runs them, drafts included; the catalog ones run
 * when a version is published, when a workflow is created PUBLISHED, and on validate.
 * Publishing runs them all again on the stored draft. Those three report every tier at
 * once: a definition whose fields parse is checked against every rule (`checkDefinition`,
 * each step's catalog rules by its index, so a duplicated step_id hides nothing).
 */
export class WorkflowService {
  private readonly checkLiteral = createSchemaCheck();

  constructor(
    private readonly deps: AppDeps,
    private readonly liveness: ToolLiveness,
  ) {}

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }

  /** Creates version 1 of a new workflow, DRAFT or (checked against the catalog first) PUBLISHED. */
  async create(definition: WorkflowDefinition): Promise<WorkflowRecord> {
    switch (definition.status) {
      case 'ARCHIVED':
        throw validationProblem([
          { field: 'status', message: 'must be DRAFT or PUBLISHED: a new workflow cannot begin archived' },
        ]);
      case 'PUBLISHED': {
        const { issues, tools } = await this.issuesOf(definition);
        this.refuseIssues(definition, issues, createdPublished(definition));
        definition = { ...definition, steps: pinToolVersions(definition.steps, tools) };
        break;
      }
      case 'DRAFT':
        break;
    }
    const result = await this.deps.store.workflows.create(definition, this.now());
    if (result.ok) return result.workflow;
    switch (result.code) {
      case 'WORKFLOW_EXISTS':
        throw new ApiProblem(
          409,
          'WORKFLOW_EXISTS',
          'Workflow exists',
          `workflow '${definition.workflow_id}' already exists; add a version with POST /v1/workflows/${definition.workflow_id}/versions`,
          [{ field: 'workflow_id', message: 'must be unique' }],
        );
    }
  }

  /**
   * Any JSON body checked as a definition, nothing saved: fields that break their schema are
   * named alone (no rule can read them); fields that parse are checked against every rule,
   * structural and catalog, in one list.
   */
  async validate(body: unknown): Promise<ValidationResult> {
    const fields = WorkflowDefinitionFields.safeParse(body);
    if (!fields.success) return { valid: false, errors: zodFieldErrors(fields.error), warnings: [] };
    const definition = fields.data;
    const { issues, tools } = await this.issuesOf(definition);
    const errors = definitionErrors(definition, issues);
    // Warnings of a definition that could be published: its tools as a publish would pin them.
    const warnings =
      errors.length === 0 ? await this.liveness.warnings(pinToolVersions(definition.steps, tools), tools) : [];
    return { valid: errors.length === 0, errors, warnings };
  }

  /**
   * The refusal of a body to create PUBLISHED whose fields parse but break a structural rule:
   * a 422 `DEFINITION_INVALID` with the catalog rules' issues too, as its publish would list
   * them. Returns (the caller refuses as for any body) when the body is not such a definition.
   */
  async refuseUnpublishable(body: unknown): Promise<void> {
    const fields = WorkflowDefinitionFields.safeParse(body);
    if (!fields.success || fields.data.status !== 'PUBLISHED') return;
    this.refuseIssues(fields.data, (await this.issuesOf(fields.data)).issues, createdPublished(fields.data));
  }

  /** Every definition rule on `def`, structural and catalog, with the catalog it was checked against. */
  private async issuesOf(
    def: DefinitionShape & { workflow_id: string },
  ): Promise<{ issues: DefinitionIssue[]; tools: Awaited<ReturnType<AppDeps['store']['tools']['all']>> }> {
    const workflows = await workflowLookupFor(this.deps.store, def.workflow_id, def.steps);
    const tools = await this.deps.store.tools.all();
    return { issues: checkDefinition(def, tools, this.checkLiteral, workflows), tools };
  }

  /** One version per workflow, by workflow_id: the latest, or with `status` the latest with that status. */
  async list(query: ListWorkflowsQuery): Promise<Page<WorkflowVersionSummary>> {
    const after =
      query.cursor === undefined
        ? undefined
        : decodePageCursor(query.cursor, WorkflowCursor, 'GET /v1/workflows').workflow_id;
    // One extra row tells whether another page exists without a count query.
    const rows = await this.deps.store.workflows.list({ status: query.status, limit: query.limit + 1, after });
    return page(rows, query.limit, (last) => ({ workflow_id: last.workflow_id }));
  }

  /** A workflow: its latest version, and which version new jobs take. */
  async get(workflowId: string): Promise<WorkflowView> {
    const latest = await this.deps.store.workflows.get(workflowId);
    if (!latest) throw notFound('Workflow', workflowId);
    const published =
      latest.status === 'PUBLISHED' ? latest : await this.deps.store.workflows.latestPublished(workflowId);
    return { ...latest, published_version: published?.version ?? null };
  }

  /** A workflow's versions, newest first. */
  async listVersions(workflowId: string, query: ListVersionsQuery): Promise<Page<WorkflowVersionSummary>> {
    const before =
      query.cursor === undefined
        ? undefined
        : decodePageCursor(query.cursor, VersionCursor, `GET /v1/workflows/${workflowId}/versions`).version;
    const rows = await this.deps.store.workflows.listVersions(workflowId, { limit: query.limit + 1, before });
    if (rows.length === 0 && !(await this.deps.store.workflows.get(workflowId))) throw notFound('Workflow', workflowId);
    return page(rows, query.limit, (last) => ({ version: last.version }));
  }

  /** One version of a workflow. */
  async getVersion(workflowId: string, version: number): Promise<WorkflowRecord> {
    const record = await this.deps.store.workflows.get(workflowId, version);
    if (!record) throw versionNotFound(workflowId, version);
    return record;
  }

  /** A new DRAFT version: a copy of `from_version` with the fields given, or the fields given alone. */
  async createVersion(workflowId: string, request: CreateWorkflowVersionRequest): Promise<WorkflowRecord> {
    const { from_version: from, ...fields } = request;
    if (!(await this.deps.store.workflows.get(workflowId))) throw notFound('Workflow', workflowId);
    let base: WorkflowContent | undefined;
    if (from !== undefined) {
      const source = await this.deps.store.workflows.get(workflowId, from);
      if (!source)
        throw validationProblem([
          { field: 'from_version', message: `workflow '${workflowId}' has no version ${from}` },
        ]);
      base = contentOf(source);
    } else {
      const missing = (['name', 'steps'] as const).filter((field) => fields[field] === undefined);
      if (missing.length > 0)
        throw validationProblem(
          missing.map((field) => ({ field, message: 'is required unless from_version names a version to copy' })),
        );
    }
    const content = checkedContent(workflowId, base, fields);
    const result = await this.deps.store.workflows.createVersion(workflowId, content, this.now());
    if (result.ok) return result.workflow;
    switch (result.code) {
      case 'WORKFLOW_NOT_FOUND':
        throw notFound('Workflow', workflowId);
    }
  }

  /** Replaces fields of a DRAFT version; any other status is a 409 naming it. */
  async patchDraft(workflowId: string, version: number, patch: WorkflowDraftPatch): Promise<WorkflowRecord> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.deps.store.workflows.getVersion(workflowId, version);
      if (!stored) throw versionNotFound(workflowId, version);
      if (stored.workflow.status !== 'DRAFT') throw notDraft(stored.workflow, 'edited');
      const content = checkedContent(workflowId, contentOf(stored.workflow), patch);
      const result = await this.deps.store.workflows.updateDraft(
        workflowId,
        version,
        content,
        stored.revision,
        this.now(),
      );
      if (result.ok) return result.workflow;
      switch (result.code) {
        case 'VERSION_NOT_FOUND':
          throw versionNotFound(workflowId, version);
        case 'NOT_DRAFT':
          throw notDraft({ workflow_id: workflowId, version, status: result.status }, 'edited');
        case 'DRAFT_CHANGED':
          if (attempt >= PATCH_ATTEMPTS) throw changed(workflowId, version, 'edited');
          continue;
      }
    }
  }

  /**
   * Publishes a DRAFT version after every definition rule passes on it: a 422 listing each
   * broken rule otherwise; every tool step is stored with the tool version it was checked
   * against (`pinToolVersions`). The write is conditional on the draft being, still, the revision
   * that was checked: an archive or an edit made meanwhile wins, and is reported. A tool no
   * worker serves does not stop it: the answer's `warnings` name it.
   */
  async publish(workflowId: string, version: number): Promise<PublishedVersion> {
    const stored = await this.deps.store.workflows.getVersion(workflowId, version);
    if (!stored) throw versionNotFound(workflowId, version);
    if (stored.workflow.status !== 'DRAFT') throw notDraft(stored.workflow, 'published');
    const workflows = await workflowLookupFor(this.deps.store, workflowId, stored.workflow.steps);
    const tools = await this.deps.store.tools.all();
    this.refuseIssues(
      stored.workflow,
      checkDefinition(stored.workflow, tools, this.checkLiteral, workflows),
      `version ${version} of workflow '${workflowId}' cannot be published`,
    );
    // The tool versions just checked against are written with the publish, fenced by the same revision.
    const pinned = { ...contentOf(stored.workflow), steps: pinToolVersions(stored.workflow.steps, tools) };
    const result = await this.deps.store.workflows.publish(workflowId, version, stored.revision, this.now(), pinned);
    if (result.ok) return { ...result.workflow, warnings: await this.liveness.warnings(pinned.steps, tools) };
    switch (result.code) {
      case 'VERSION_NOT_FOUND':
        throw versionNotFound(workflowId, version);
      case 'NOT_DRAFT':
        throw notDraft({ workflow_id: workflowId, version, status: result.status }, 'published');
      case 'DRAFT_CHANGED':
        throw changed(workflowId, version, 'published');
    }
  }

  /** Archives a DRAFT or PUBLISHED version: no new jobs from it; its jobs go on. */
  async archive(workflowId: string, version: number): Promise<WorkflowRecord> {
    const result = await this.deps.store.workflows.archive(workflowId, version, this.now());
    if (result.ok) return result.workflow;
    switch (result.code) {
      case 'VERSION_NOT_FOUND':
        throw versionNotFound(workflowId, version);
      case 'ALREADY_ARCHIVED':
        throw versionConflict(
          'WORKFLOW_VERSION_ARCHIVED',
          `version ${version} of workflow '${workflowId}' is already ARCHIVED`,
          { workflow_id: workflowId, version, status: 'ARCHIVED' },
        );
    }
  }

  /** A 422 listing every broken rule, when there is one. */
  private refuseIssues(def: DefinitionShape, issues: DefinitionIssue[], what: string): void {
    if (issues.length === 0) return;
    const rules = [...new Set(issues.map((i) => i.rule))];
    throw new ApiProblem(
      422,
      'DEFINITION_INVALID',
      'Workflow definition breaks rules',
      `${what}: ${issues.length} ${issues.length === 1 ? 'problem' : 'problems'} (${rules.join(', ')})`,
      definitionErrors(def, issues),
    );
  }
}

/** Definition issues as a problem's `errors`: the path as `field`, with the rule and the step. */
export function definitionErrors(
  def: Pick<DefinitionShape, 'steps'>,
  issues: readonly DefinitionIssue[],
): FieldError[] {
  return issues.map((issue) => {
    const stepId = issueStepId(def, issue.path);
    return {
      field: issue.path.join('.'),
      message: issue.message,
      rule: issue.rule,
      ...(stepId !== undefined && { step_id: stepId }),
    };
  });
}

function createdPublished(def: { workflow_id: string }): string {
  return `workflow '${def.workflow_id}' cannot be created PUBLISHED`;
}

/** The definition a version holds, without its number, status and times. */
function contentOf(record: WorkflowRecord): WorkflowContent {
  const { version: _v, status: _s, created_at: _c, updated_at: _u, ...content } = record;
  return content;
}

/** `base` with `fields` applied (null removes an optional field), checked against the structural rules. */
function checkedContent(
  workflowId: string,
  base: WorkflowContent | undefined,
  fields: WorkflowDraftPatch,
): WorkflowContent {
  const merged: Record<string, unknown> = { ...base, workflow_id: workflowId, status: 'DRAFT' };
  for (const [key, value] of Object.entries(fields)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  const parsed = WorkflowDefinition.safeParse(merged);
  if (!parsed.success) throw validationProblem(zodFieldErrors(parsed.error));
  const { status: _status, ...content } = parsed.data;
  return content;
}

function page<T>(rows: T[], limit: number, cursorOf: (last: T) => unknown): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last !== undefined ? encodePageCursor(cursorOf(last)) : null };
}

function versionNotFound(workflowId: string, version: number): ApiProblem {
  return new ApiProblem(
    404,
    'NOT_FOUND',
    'Workflow version not found',
    `workflow '${workflowId}' has no version ${version}`,
  );
}

function notDraft(
  version: { workflow_id: string; version: number; status: WorkflowStatus },
  action: 'edited' | 'published',
): ApiProblem {
  const hint =
    action === 'edited'
      ? `; create a new draft with POST /v1/workflows/${version.workflow_id}/versions and from_version ${version.version}`
      : '';
  return versionConflict(
    'WORKFLOW_VERSION_NOT_DRAFT',
    `version ${version.version} of workflow '${version.workflow_id}' is ${version.status}; only a DRAFT can be ${action}${hint}`,
    version,
  );
}

function changed(workflowId: string, version: number, action: 'edited' | 'published'): ApiProblem {
  return versionConflict(
    'WORKFLOW_VERSION_CHANGED',
    `version ${version} of workflow '${workflowId}' was edited while it was being ${action}; nothing was changed, try again`,
    { workflow_id: workflowId, version, status: 'DRAFT' },
  );
}
