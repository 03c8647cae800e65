import type { HttpToolConfig } from './http/http-config';
import type { ToolDefinition } from './tool-definition';

/** Worker settings some tools depend on; part of the activity layer's dependencies. */
export interface ToolSettings {
  /** `http_request`'s allowlist and limits; without it every request is refused. */
  http?: HttpToolConfig;
  /** The file the `tally` test tool appends its completed executions to; none, it counts nothing. */
  testLedgerPath?: string;
}

/**
 * A tool whose behaviour depends on worker settings (such as `http_request`'s host
 * allowlist). The catalog describes it as it is, since settings never change its contract;
 * the activity layer runs `configure(settings)` instead, so the settings reach the tool
 * explicitly rather than through a global.
 */
export interface ConfigurableTool extends ToolDefinition {
  configure(settings: ToolSettings): ToolDefinition;
}

/** Whether a tool wants the worker's settings before it runs. */
export function isConfigurableTool(tool: ToolDefinition): tool is ConfigurableTool {
  return typeof (tool as Partial<ConfigurableTool>).configure === 'function';
}
