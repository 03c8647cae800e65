/**
 * @ordo/tools: the tools a job step can run and the activity layer that runs them. Each
 * tool is one `defineTool` module (zod schemas for parameters and outputs, `run(params,
 * ctx)`); `createToolActivities` turns a list of tools into Temporal activities registered
 * under their `tool_id`s (heavy tools running in worker threads, `ToolThreads`), and
 * `describeTool` into catalog entries with JSON Schemas. It knows tools, files, progress and
 * cancellation, nothing of job runs: the worker records a step around its activity (an
 * `AttemptWatcher` follows each attempt).
 * Production tools are `TOOLS`; test-only tools are `TEST_TOOLS`, in the catalog only where `ORDO_TEST_TOOLS=1`.
 */
export { TEST_TOOL_DESCRIPTORS, TEST_TOOLS, TOOL_DESCRIPTORS, TOOLS } from './tool-catalog';
export { describeTool } from '@ordo/tool-kit';
export { createToolActivities } from './tool-activities';
export type { ToolDependencies } from './tool-activities';
export type { ToolActivity, ToolCall, ToolCallResult } from './tool-call';
export type { AttemptWatcher, WatchAttempt } from './tool-call';
export type { ActivityAttempt, ActivityAttemptSource } from '@ordo/tool-kit';
export type { ConfigurableTool, ToolSettings } from './configurable-tool';
export { readTallyLedger, tallyLedgerPath } from './testing/tally';
export type { TallyEntry } from './testing/tally';
export type { ProgressDetails, ProgressTiming } from '@ordo/tool-kit';
export { defineTool } from './tool-definition';
export type { ToolContext, ToolDefinition, ToolLogger, ToolObjectSchema, ToolThreadSettings } from './tool-definition';
export { DEFAULT_TOOL_THREADS, ToolThreads } from './threads/tool-threads';
export type { ToolThreadsOptions } from './threads/tool-threads';
export { MAX_TEXT_CHARS } from './text-limit';
export { ToolError } from './tool-error';
export type { FileReader, StoredFile } from './file-reader';
export { createSchemaCheck } from './schema-check';
export type { SchemaCheck } from './schema-check';
export { DEFAULT_MAX_RESPONSE_BYTES } from './http/http-config';
export type { HttpToolConfig } from './http/http-config';
export {
  AnalysisLevel,
  BasicAnalysis,
  ComprehensiveAnalysis,
  DetailedAnalysis,
  Metric,
  TextAnalysis,
} from './text/text-analysis';
export { TermCount } from './text/term-frequency';
