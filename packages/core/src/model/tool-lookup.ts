import type { ToolDescriptor } from '../schemas/tool-descriptor';

/** A tool version as publish-time checks see it: its descriptor and whether new publishes may pin it. */
export interface CatalogTool extends ToolDescriptor {
  deprecated?: boolean;
}

/** What a tool step names: the tool, and the version it pins, if any. */
export interface ToolRefKey {
  tool_id: string;
  version?: string | undefined;
}

/** The version a tool step runs, or which rule it breaks and the field of `tool` to blame. */
export type ToolResolution =
  | { ok: true; tool: CatalogTool }
  | { ok: false; rule: 'known_tool' | 'known_tool_version'; field: 'tool_id' | 'version'; message: string };

/** The catalog as a step's publish-time check reads it: a tool step's reference resolved to one version. */
export interface ToolLookup {
  resolve(ref: ToolRefKey): ToolResolution;
}

/**
 * How a run's step batch keys run defaults: `tool_id@version` for a step that pins a
 * version, the bare `tool_id` for one that does not (steps of jobs created before pinning,
 * and the histories of their runs).
 */
export function toolKey(ref: ToolRefKey): string {
  return ref.version === undefined ? ref.tool_id : `${ref.tool_id}@${ref.version}`;
}

/**
 * A lookup over `tools`, each tool's versions listed newest first (as `store.tools.all()`
 * answers them; this module is workflow-safe, so it orders no semver itself). A reference
 * naming a version resolves to exactly it, unless it does not exist or is deprecated (no new
 * publish may pin a deprecated version); one naming none resolves to the newest version not
 * deprecated.
 */
export function toolLookupOf(tools: readonly CatalogTool[]): ToolLookup {
  const versions = new Map<string, CatalogTool[]>();
  for (const tool of tools) versions.set(tool.tool_id, [...(versions.get(tool.tool_id) ?? []), tool]);
  return {
    resolve(ref) {
      const known = versions.get(ref.tool_id);
      if (known === undefined)
        return {
          ok: false,
          rule: 'known_tool',
          field: 'tool_id',
          message: `unknown tool '${ref.tool_id}'; known tools: ${[...versions.keys()].sort().join(', ')}`,
        };
      const current = known.find((tool) => tool.deprecated !== true);
      if (ref.version === undefined)
        return current !== undefined
          ? { ok: true, tool: current }
          : {
              ok: false,
              rule: 'known_tool',
              field: 'tool_id',
              message: `every version of tool '${ref.tool_id}' is deprecated: no new publish may use it`,
            };
      const named = known.find((tool) => tool.version === ref.version);
      if (named === undefined)
        return {
          ok: false,
          rule: 'known_tool_version',
          field: 'version',
          message: `tool '${ref.tool_id}' has no version '${ref.version}'; its versions: ${known.map((t) => t.version).join(', ')}`,
        };
      if (named.deprecated === true)
        return {
          ok: false,
          rule: 'known_tool_version',
          field: 'version',
          message: `version '${ref.version}' of tool '${ref.tool_id}' is deprecated: no new publish may pin it${current ? `; the newest is '${current.version}'` : ''}`,
        };
      return { ok: true, tool: named };
    },
  };
}
