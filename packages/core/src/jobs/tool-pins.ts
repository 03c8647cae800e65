import type { DefinitionShape } from './definition-queries';
import { toolLookupOf, type CatalogTool, type ToolRefKey } from '../model/tool-lookup';

type DefinitionStep = DefinitionShape['steps'][number];

/**
 * `steps` as a published version stores them: every tool step's `tool.version` set to the
 * version its checks ran against (the one it names, else the newest not deprecated), so a
 * version registered later never changes what the published version runs. A step that
 * resolves to no version is left as it is, for the checks to report.
 */
export function pinToolVersions<S extends DefinitionStep>(steps: readonly S[], tools: readonly CatalogTool[]): S[] {
  const lookup = toolLookupOf(tools);
  return steps.map((step) => {
    if (step.type !== 'tool' || step.tool.version !== undefined) return step;
    const resolved = lookup.resolve(step.tool);
    return resolved.ok ? { ...step, tool: { ...step.tool, version: resolved.tool.version } } : step;
  });
}

/** The tools `steps` run, each once: what a run's start reads the run defaults of. */
export function toolRefsOf(steps: readonly DefinitionStep[]): ToolRefKey[] {
  const refs = new Map<string, ToolRefKey>();
  for (const step of steps) {
    if (step.type !== 'tool') continue;
    const ref = { tool_id: step.tool.tool_id, ...(step.tool.version !== undefined && { version: step.tool.version }) };
    refs.set(`${ref.tool_id}@${ref.version ?? ''}`, ref);
  }
  return [...refs.values()];
}
