import { WorkflowDefinitionFields, WorkflowStatus } from '@ordo/core';
import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { OrdoDatabase } from './database';
import { ParseCache } from './parse-cache';
import type { WorkflowTable } from './schema';

/**
 * A stored version of a workflow template. Read back with the definition's fields only:
 * the definition rules ran when it was saved and run again when it is published, so a
 * version saved under older rules still reads.
 */
export const WorkflowRecord = WorkflowDefinitionFields.safeExtend({
  version: z.number().int().positive(),
  status: WorkflowStatus,
  created_at: z.string(),
  updated_at: z.string(),
});
export type WorkflowRecord = z.infer<typeof WorkflowRecord>;

/** A version without its definition: what lists answer. */
export const WorkflowVersionSummary = z.object({
  workflow_id: z.string(),
  version: z.number().int().positive(),
  status: WorkflowStatus,
  name: z.string(),
  description: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type WorkflowVersionSummary = z.infer<typeof WorkflowVersionSummary>;

/** A version with the revision its conditional writes are fenced by. */
export interface StoredWorkflowVersion {
  workflow: WorkflowRecord;
  revision: number;
}

/** The definition a version holds: everything but its number, status and times. */
export type WorkflowContent = Omit<WorkflowDefinitionFields, 'status'>;

export type CreateWorkflowResult = { ok: true; workflow: WorkflowRecord } | { ok: false; code: 'WORKFLOW_EXISTS' };
export type CreateVersionResult = { ok: true; workflow: WorkflowRecord } | { ok: false; code: 'WORKFLOW_NOT_FOUND' };
/** A write that only a draft, as the caller read it, may take. */
export type DraftWriteResult =
  | { ok: true; workflow: WorkflowRecord }
  | { ok: false; code: 'VERSION_NOT_FOUND' }
  | { ok: false; code: 'NOT_DRAFT'; status: WorkflowStatus }
  | { ok: false; code: 'DRAFT_CHANGED' };
export type ArchiveResult =
  | { ok: true; workflow: WorkflowRecord }
  | { ok: false; code: 'VERSION_NOT_FOUND' }
  | { ok: false; code: 'ALREADY_ARCHIVED' };

/** Which workflows to list: by workflow_id, `limit` at a time, continuing after `after`. */
export interface WorkflowListQuery {
  /** Each workflow's latest version with this status (workflows with none are left out); the latest version of each when absent. */
  status?: WorkflowStatus | undefined;
  limit: number;
  after?: string | undefined;
}

/** Which versions of a workflow to list: newest first, `limit` at a time, continuing below `before`. */
export interface VersionListQuery {
  limit: number;
  before?: number | undefined;
}

// A new version's number is the next free one; two drafts created at once race for it,
// and the loser takes the next. Bounded, so a fault cannot spin forever.
const MAX_VERSION_ATTEMPTS = 8;

const SUMMARY_COLUMNS = [
  'workflow_id',
  'version',
  'status',
  'name',
  'description',
  'created_at',
  'updated_at',
] as const;

/**
 * Versioned workflow templates. A version is DRAFT (editable), PUBLISHED (immutable; jobs
 * are created from it) or ARCHIVED (no new jobs). Every change of a version is one
 * conditional UPDATE whose condition is the state the change needs (a draft, at the
 * revision the caller checked), so of two concurrent changes exactly one applies and the
 * other is answered with a code naming why it did not, on SQLite and PostgreSQL alike.
 */
export class WorkflowRepository {
  constructor(private readonly db: OrdoDatabase) {}

  /** Stores version 1 of a new workflow (DRAFT or PUBLISHED); a workflow_id that exists is reported, not overwritten. */
  async create(definition: WorkflowDefinitionFields, now: string): Promise<CreateWorkflowResult> {
    const { status, ...content } = definition;
    const record: WorkflowRecord = { ...content, status, version: 1, created_at: now, updated_at: now };
    const inserted = await this.db
      .insertInto('workflows')
      .values(toRow(record))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return { ok: false, code: 'WORKFLOW_EXISTS' };
    return { ok: true, workflow: record };
  }

  /** Stores a new DRAFT version of an existing workflow, numbered after its latest. */
  async createVersion(workflowId: string, content: WorkflowContent, now: string): Promise<CreateVersionResult> {
    for (let attempt = 0; attempt < MAX_VERSION_ATTEMPTS; attempt++) {
      const latest = await this.db
        .selectFrom('workflows')
        .select((eb) => eb.fn.max('version').as('latest'))
        .where('workflow_id', '=', workflowId)
        .executeTakeFirst();
      if (latest?.latest === undefined || latest.latest === null) return { ok: false, code: 'WORKFLOW_NOT_FOUND' };
      const record: WorkflowRecord = {
        ...content,
        workflow_id: workflowId,
        status: 'DRAFT',
        version: Number(latest.latest) + 1,
        created_at: now,
        updated_at: now,
      };
      // The primary key (workflow_id, version) is the condition: a number taken meanwhile inserts nothing.
      const inserted = await this.db
        .insertInto('workflows')
        .values(toRow(record))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { ok: true, workflow: record };
    }
    throw new Error(`no free version number for workflow '${workflowId}' after ${MAX_VERSION_ATTEMPTS} attempts`);
  }

  /** The latest version of a workflow, or a given one. */
  async get(workflowId: string, version?: number): Promise<WorkflowRecord | undefined> {
    let query = this.db.selectFrom('workflows').selectAll().where('workflow_id', '=', workflowId);
    query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
    const row = await query.executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** One version with its revision, for a change conditional on it. */
  async getVersion(workflowId: string, version: number): Promise<StoredWorkflowVersion | undefined> {
    const row = await this.db
      .selectFrom('workflows')
      .selectAll()
      .where('workflow_id', '=', workflowId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row ? { workflow: fromRow(row), revision: row.revision } : undefined;
  }

  /** The version new jobs of a workflow take: its latest PUBLISHED one. */
  async latestPublished(workflowId: string): Promise<WorkflowRecord | undefined> {
    const row = await this.db
      .selectFrom('workflows')
      .selectAll()
      .where('workflow_id', '=', workflowId)
      .where('status', '=', 'PUBLISHED')
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** One version per workflow, by workflow_id: the latest (with `status`, the latest with that status). */
  async list(query: WorkflowListQuery): Promise<WorkflowVersionSummary[]> {
    const status = query.status;
    let select = this.db
      .selectFrom('workflows as w')
      .select(SUMMARY_COLUMNS.map((c) => `w.${c}` as const))
      .where((eb) => {
        let latest = eb
          .selectFrom('workflows as v')
          .select((v) => v.fn.max('v.version').as('latest'))
          .whereRef('v.workflow_id', '=', 'w.workflow_id');
        if (status !== undefined) latest = latest.where('v.status', '=', status);
        return eb('w.version', '=', latest);
      });
    if (status !== undefined) select = select.where('w.status', '=', status);
    if (query.after !== undefined) select = select.where('w.workflow_id', '>', query.after);
    const rows = await select.orderBy('w.workflow_id').limit(query.limit).execute();
    return rows.map(summaryOf);
  }

  /** A workflow's versions, newest first. */
  async listVersions(workflowId: string, query: VersionListQuery): Promise<WorkflowVersionSummary[]> {
    let select = this.db.selectFrom('workflows').select(SUMMARY_COLUMNS).where('workflow_id', '=', workflowId);
    if (query.before !== undefined) select = select.where('version', '<', query.before);
    const rows = await select.orderBy('version', 'desc').limit(query.limit).execute();
    return rows.map(summaryOf);
  }

  /** Replaces a draft's definition, only while it is a draft at `expectedRevision`. */
  async updateDraft(
    workflowId: string,
    version: number,
    content: WorkflowContent,
    expectedRevision: number,
    now: string,
  ): Promise<DraftWriteResult> {
    const row = toRow({
      ...content,
      workflow_id: workflowId,
      version,
      status: 'DRAFT',
      created_at: now,
      updated_at: now,
    });
    const { name, description, definition } = row;
    return this.writeDraft(workflowId, version, expectedRevision, { name, description, definition }, now);
  }

  /**
   * Publishes a draft, only while it is a draft at `expectedRevision`: the revision whose
   * definition the caller checked, so neither an edit nor an archive made meanwhile is
   * published over. With `content`, the definition is replaced in the same write: the draft
   * as checked, with what publishing adds to it (the tool versions it pins).
   */
  async publish(
    workflowId: string,
    version: number,
    expectedRevision: number,
    now: string,
    content?: WorkflowContent,
  ): Promise<DraftWriteResult> {
    const definition =
      content === undefined
        ? {}
        : {
            definition: toRow({
              ...content,
              workflow_id: workflowId,
              version,
              status: 'PUBLISHED',
              created_at: now,
              updated_at: now,
            }).definition,
          };
    return this.writeDraft(workflowId, version, expectedRevision, { status: 'PUBLISHED', ...definition }, now);
  }

  /** Archives a draft or a published version: no new jobs; jobs already created go on. */
  async archive(workflowId: string, version: number, now: string): Promise<ArchiveResult> {
    const updated = await this.db
      .updateTable('workflows')
      .set((eb) => ({ status: 'ARCHIVED', updated_at: now, revision: eb('revision', '+', 1) }))
      .where('workflow_id', '=', workflowId)
      .where('version', '=', version)
      .where('status', 'in', ['DRAFT', 'PUBLISHED'])
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 1) return { ok: true, workflow: (await this.get(workflowId, version))! };
    // ARCHIVED is final, so a version the UPDATE did not match is archived, or absent.
    return (await this.get(workflowId, version))
      ? { ok: false, code: 'ALREADY_ARCHIVED' }
      : { ok: false, code: 'VERSION_NOT_FOUND' };
  }

  /**
   * A draft-only write: `columns` set, only while the version is a DRAFT at
   * `expectedRevision` (one fenced UPDATE, bumping the revision). Answers the version as
   * written, or why the write matched nothing (read after it, to report).
   */
  private async writeDraft(
    workflowId: string,
    version: number,
    expectedRevision: number,
    columns: Partial<Pick<WorkflowTable, 'name' | 'description' | 'definition' | 'status'>>,
    now: string,
  ): Promise<DraftWriteResult> {
    const updated = await this.db
      .updateTable('workflows')
      .set((eb) => ({ ...columns, updated_at: now, revision: eb('revision', '+', 1) }))
      .where('workflow_id', '=', workflowId)
      .where('version', '=', version)
      .where('status', '=', 'DRAFT')
      .where('revision', '=', expectedRevision)
      .executeTakeFirst();
    const current = await this.get(workflowId, version);
    if (Number(updated.numUpdatedRows) === 1) return { ok: true, workflow: current! };
    if (!current) return { ok: false, code: 'VERSION_NOT_FOUND' };
    if (current.status !== 'DRAFT') return { ok: false, code: 'NOT_DRAFT', status: current.status };
    return { ok: false, code: 'DRAFT_CHANGED' };
  }
}

function toRow(record: WorkflowRecord): Omit<WorkflowTable, 'revision'> {
  // The status column is the one authority on a version's status; the JSON holds the definition only.
  const { version, status, created_at, updated_at, ...definition } = record;
  return {
    workflow_id: record.workflow_id,
    version,
    name: record.name,
    description: record.description ?? null,
    status,
    definition: JSON.stringify(definition),
    created_at,
    updated_at,
  };
}

/** Stored versions as parsed, by their row's text: a version is read (and was parsed) for every job created from it. */
const StoredWorkflows = new ParseCache(WorkflowRecord);

function fromRow(row: Selectable<WorkflowTable>): WorkflowRecord {
  const columns = { status: row.status, version: row.version, created_at: row.created_at, updated_at: row.updated_at };
  return StoredWorkflows.parseKeyed(`${JSON.stringify(columns)}\n${row.definition}`, () => ({
    ...(JSON.parse(row.definition) as Record<string, unknown>),
    ...columns,
  }));
}

function summaryOf(row: Pick<Selectable<WorkflowTable>, (typeof SUMMARY_COLUMNS)[number]>): WorkflowVersionSummary {
  return WorkflowVersionSummary.parse({ ...row, description: row.description ?? undefined });
}
