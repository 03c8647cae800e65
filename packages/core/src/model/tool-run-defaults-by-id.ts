import type { ToolRunDefaults } from '../schemas/tool-descriptor';

/**
 * The run defaults of `tools` by `tool_id`, what a run is handed (a prepared start, the
 * run store's answers): one map for the API's catalog and the worker's tools alike. A tool
 * that declares none runs on the platform's (`{}`).
 */
export function toolRunDefaultsById(
  tools: readonly { tool_id: string; defaults?: ToolRunDefaults | undefined }[],
): Readonly<Record<string, ToolRunDefaults>> {
  return Object.fromEntries(tools.map((tool) => [tool.tool_id, tool.defaults ?? {}]));
}
