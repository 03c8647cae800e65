import { isDeepStrictEqual } from 'node:util';
import { RegisteredTool, toolKey, type RunTool, type ToolContract, type ToolRefKey } from '@ordo/core';
import type { Selectable } from 'kysely';
import { rcompare } from 'semver';
import { isUniqueViolation } from './constraint-errors';
import type { OrdoDatabase } from './database';
import type { ToolTable } from './schema';

/** The fields two registrations of one version are compared on, in the order a conflict names them. */
export const TOOL_CONTRACT_FIELDS = [
  'name',
  'description',
  'parameters',
  'outputs',
  'task_queue',
  'activity_type',
  'defaults',
] as const satisfies readonly (keyof ToolContract)[];

/** The outcome of registering a tool version. */
export type RegisterToolResult =
  | { ok: true; created: boolean; tool: RegisteredTool }
  /** The version exists with another contract: `differs` names each field that is not the same. */
  | { ok: false; code: 'VERSION_CONFLICT'; differs: (typeof TOOL_CONTRACT_FIELDS)[number][]; tool: RegisteredTool };

export type DeprecateToolResult = { ok: true; tool: RegisteredTool } | { ok: false; code: 'VERSION_NOT_FOUND' };

/**
 * The tool catalog: every registered version of every tool, built-in or external. A version
 * is written once (registering it again with the same contract changes nothing, with another
 * is refused) and never deleted; only its `deprecated` flag changes.
 */
export class ToolRepository {
  constructor(private readonly db: OrdoDatabase) {}

  /**
   * Stores a new version, or compares it with the stored one. Insert first and compare on a
   * unique violation, so two registrations racing for one version both get the same answer.
   */
  async register(contract: ToolContract, now: string): Promise<RegisterToolResult> {
    try {
      await this.db
        .insertInto('tools')
        .values({
          tool_id: contract.tool_id,
          version: contract.version,
          name: contract.name,
          description: contract.description,
          parameters: JSON.stringify(contract.parameters),
          outputs: JSON.stringify(contract.outputs),
          task_queue: contract.task_queue,
          activity_type: contract.activity_type,
          defaults: JSON.stringify(contract.defaults),
          builtin: contract.builtin ? 1 : 0,
          registered_at: now,
        })
        .execute();
      return { ok: true, created: true, tool: { ...contract, deprecated: false, registered_at: now } };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const stored = await this.get(contract.tool_id, contract.version);
    if (!stored) throw new Error(`tool ${contract.tool_id}@${contract.version}: conflicting insert, then no row`);
    const differs = TOOL_CONTRACT_FIELDS.filter((field) => !isDeepStrictEqual(stored[field], contract[field]));
    return differs.length === 0
      ? { ok: true, created: false, tool: stored }
      : { ok: false, code: 'VERSION_CONFLICT', differs, tool: stored };
  }

  /** One version of a tool. */
  async get(toolId: string, version: string): Promise<RegisteredTool | undefined> {
    const row = await this.db
      .selectFrom('tools')
      .selectAll()
      .where('tool_id', '=', toolId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row && toRegisteredTool(row);
  }

  /** Every version of a tool, newest (by semver) first; empty when the tool is unknown. */
  async versions(toolId: string): Promise<RegisteredTool[]> {
    const rows = await this.db.selectFrom('tools').selectAll().where('tool_id', '=', toolId).execute();
    return rows.map(toRegisteredTool).sort((a, b) => rcompare(a.version, b.version));
  }

  /**
   * Every version of every tool, deprecated ones included, by `tool_id` and each tool's
   * versions newest first: what `toolLookupOf` (publish-time checks and pins) reads.
   */
  async all(): Promise<RegisteredTool[]> {
    const rows = await this.db.selectFrom('tools').selectAll().execute();
    return rows
      .map(toRegisteredTool)
      .sort((a, b) => (a.tool_id < b.tool_id ? -1 : a.tool_id > b.tool_id ? 1 : rcompare(a.version, b.version)));
  }

  /**
   * What a run needs of the tools `refs` name, by `toolKey`: each one's run defaults, and for a
   * tool Ordo's worker does not serve, where its steps go (`dispatch`). A pinned version's own
   * (deprecated or not: what pinned it still runs it), an unpinned reference's (a job created
   * before pinning) the newest version's not deprecated. A reference to no stored version is
   * left out, so the run refuses its step as an unknown tool.
   */
  async runDefaults(refs: readonly ToolRefKey[]): Promise<Record<string, RunTool>> {
    const current = refs.some((ref) => ref.version === undefined)
      ? new Map((await this.latest()).map((tool) => [tool.tool_id, tool]))
      : new Map<string, RegisteredTool>();
    const entries = await Promise.all(
      refs.map(async (ref) => {
        const tool = ref.version === undefined ? current.get(ref.tool_id) : await this.get(ref.tool_id, ref.version);
        return tool === undefined ? [] : [[toolKey(ref), runToolOf(tool)] as const];
      }),
    );
    return Object.fromEntries(entries.flat());
  }

  /**
   * The catalog as new work sees it: for each tool, its newest version that is not
   * deprecated, by `tool_id`. A tool whose every version is deprecated is left out.
   */
  async latest(): Promise<RegisteredTool[]> {
    const rows = await this.db.selectFrom('tools').selectAll().where('deprecated', '=', 0).execute();
    const newest = new Map<string, RegisteredTool>();
    for (const tool of rows.map(toRegisteredTool)) {
      const seen = newest.get(tool.tool_id);
      if (!seen || rcompare(tool.version, seen.version) < 0) newest.set(tool.tool_id, tool);
    }
    return [...newest.values()].sort((a, b) => (a.tool_id < b.tool_id ? -1 : a.tool_id > b.tool_id ? 1 : 0));
  }

  /** Marks a version deprecated (again is a no-op): what pins it still runs it, no new publish picks it. */
  async deprecate(toolId: string, version: string): Promise<DeprecateToolResult> {
    const updated = await this.db
      .updateTable('tools')
      .set({ deprecated: 1 })
      .where('tool_id', '=', toolId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) return { ok: false, code: 'VERSION_NOT_FOUND' };
    const tool = await this.get(toolId, version);
    return tool ? { ok: true, tool } : { ok: false, code: 'VERSION_NOT_FOUND' };
  }
}

function toRegisteredTool(row: Selectable<ToolTable>): RegisteredTool {
  return RegisteredTool.parse({
    tool_id: row.tool_id,
    version: row.version,
    name: row.name,
    description: row.description,
    parameters: JSON.parse(row.parameters) as unknown,
    outputs: JSON.parse(row.outputs) as unknown,
    task_queue: row.task_queue,
    activity_type: row.activity_type,
    defaults: JSON.parse(row.defaults) as unknown,
    builtin: row.builtin === 1,
    deprecated: row.deprecated === 1,
    registered_at: row.registered_at,
  });
}

/** A stored version as a run needs it: its defaults, and where an external tool's steps go. */
function runToolOf(tool: RegisteredTool): RunTool {
  if (tool.builtin) return tool.defaults;
  return {
    ...tool.defaults,
    dispatch: {
      tool_id: tool.tool_id,
      version: tool.version,
      task_queue: tool.task_queue,
      activity_type: tool.activity_type,
      filled_parameters: filledParameters(tool.parameters),
    },
  };
}

/** The parameters a tool's schema marks `"x-ordo-upload-url": true`: Ordo fills them when it dispatches a step. */
function filledParameters(parameters: Record<string, unknown>): string[] {
  const properties = parameters.properties;
  if (typeof properties !== 'object' || properties === null) return [];
  return Object.entries(properties)
    .filter(
      ([, schema]) =>
        typeof schema === 'object' &&
        schema !== null &&
        (schema as Record<string, unknown>)['x-ordo-upload-url'] === true,
    )
    .map(([name]) => name);
}
