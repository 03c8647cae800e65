import { WorkflowDefinition, WorkflowStatus } from '@ordo/core';
import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { OrdoDatabase } from './database';
import { ParseCache } from './parse-cache';
import type { WorkflowTable } from './schema';

/** A stored version of a workflow template. */
export const WorkflowRecord = WorkflowDefinition.safeExtend({
  version: z.number().int().positive(),
  status: WorkflowStatus,
  created_at: z.string(),
  updated_at: z.string(),
});
export type WorkflowRecord = z.infer<typeof WorkflowRecord>;

export type CreateWorkflowResult = { ok: true; workflow: WorkflowRecord } | { ok: false; code: 'WORKFLOW_EXISTS' };

/** Versioned workflow templates. */
export class WorkflowRepository {
  constructor(private readonly db: OrdoDatabase) {}

  /** Stores version 1 of a new workflow; a workflow_id that exists is reported, not overwritten. */
  async create(definition: WorkflowDefinition, now: string): Promise<CreateWorkflowResult> {
    const record: WorkflowRecord = { ...definition, version: 1, created_at: now, updated_at: now };
    const inserted = await this.db
      .insertInto('workflows')
      .values(toRow(record))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return { ok: false, code: 'WORKFLOW_EXISTS' };
    return { ok: true, workflow: record };
  }

  /** The latest version of a workflow, or a given one. */
  async get(workflowId: string, version?: number): Promise<WorkflowRecord | undefined> {
    let query = this.db.selectFrom('workflows').selectAll().where('workflow_id', '=', workflowId);
    query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
    const row = await query.executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** The latest version of every workflow, by workflow_id. */
  async listLatest(): Promise<WorkflowRecord[]> {
    const rows = await this.db
      .selectFrom('workflows as w')
      .selectAll('w')
      .where((eb) =>
        eb('w.version', '=', eb.selectFrom('workflows as v').select((v) => v.fn.max('v.version').as('latest')).whereRef('v.workflow_id', '=', 'w.workflow_id')),
      )
      .orderBy('w.workflow_id')
      .execute();
    return rows.map(fromRow);
  }
}

function toRow(record: WorkflowRecord): WorkflowTable {
  const { version, created_at, updated_at, ...definition } = record;
  return {
    workflow_id: record.workflow_id,
    version,
    name: record.name,
    description: record.description ?? null,
    status: record.status,
    definition: JSON.stringify(definition),
    created_at,
    updated_at,
  };
}

/** Stored versions as parsed, by their row's text: a version is read (and was parsed) for every job created from it. */
const StoredWorkflows = new ParseCache(WorkflowRecord);

function fromRow(row: Selectable<WorkflowTable>): WorkflowRecord {
  const columns = { status: row.status, version: row.version, created_at: row.created_at, updated_at: row.updated_at };
  return StoredWorkflows.parseKeyed(`${JSON.stringify(columns)}\n${row.definition}`, () => ({ ...(JSON.parse(row.definition) as Record<string, unknown>), ...columns }));
}
