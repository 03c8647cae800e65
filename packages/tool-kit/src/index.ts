/**
 * @ordo/tool-kit: write an Ordo tool as a Temporal activity. `defineTool` states the contract
 * (zod schemas for parameters and outputs) and `run`; `describeTool` derives its catalog
 * entry (JSON Schema 2020-12) and `toolActivity` the activity Ordo calls (its parameters
 * object in, its outputs object out, progress as heartbeat details); `runToolWorker`
 * registers the tools with Ordo's API and serves them on a task queue. Nothing here depends
 * on Ordo's own packages: only zod and the Temporal SDK (peer dependencies).
 */
export { defineTool } from './tool-definition.js';
export type {
  ToolCallInfo,
  ToolContext,
  ToolContextBase,
  ToolDefinition,
  ToolLogger,
  ToolObjectSchema,
  ToolRunDefaults,
} from './tool-definition.js';
export { describeTool } from './tool-descriptors.js';
export type { AnyToolDefinition, JsonSchemaDocument, ToolDescriptor } from './tool-descriptors.js';
export { ToolError } from './tool-error.js';
export { toolActivity } from './tool-activity.js';
export type { ToolActivityFunction, ToolActivityOptions } from './tool-activity.js';
export type { FileValue, ReadFileOptions, UploadedFile } from './file-transfer.js';
export type { ProgressDetails, ProgressTiming } from './progress.js';
export type { ActivityAttempt, ActivityAttemptSource } from './activity-attempt.js';
export { registerTool, ToolRegistrationError } from './tool-registration.js';
export type { OrdoConnection, ToolRegistrationResult } from './tool-registration.js';
export { runToolWorker } from './tool-worker.js';
export type { ToolWorkerHandle, ToolWorkerOptions } from './tool-worker.js';
