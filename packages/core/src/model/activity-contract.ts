import { z } from 'zod';
import type { SchemaValue } from './schema-value';
import { Variables } from './schema-value';
import { ExecutionProgress, StepRuntime } from './job';
import { JobStatus } from './status';

/** Parameters a tool receives after `parameter_mappings` are resolved. */
export type ToolParams = Record<string, SchemaValue>;
/** What a tool returns: its outputs by name, read by `output_mappings`. */
export type ToolOutputs = Record<string, SchemaValue>;
/** Every tool is an activity of this shape, registered under its `tool_id`. */
export type ToolActivity = (params: ToolParams) => Promise<ToolOutputs>;
export type ToolActivities = Record<string, ToolActivity>;

/** What the job workflow persists when a job starts and when it ends. */
export const JobStateUpdate = z.object({
  job_id: z.string(),
  status: JobStatus,
  started_at: z.string().optional(),
  completed_at: z.string().optional(),
  execution_progress: ExecutionProgress,
  live_output: z.string(),
  output_data: Variables,
  error_message: z.string().optional(),
  steps: z.array(StepRuntime),
});
export type JobStateUpdate = z.infer<typeof JobStateUpdate>;

/** Activities through which the job workflow writes to the job store. */
export interface JobStoreActivities {
  recordJobState(update: JobStateUpdate): Promise<void>;
}
