import { z } from 'zod';
import { StepRetryPolicy } from './step';

/** A JSON Schema (draft 2020-12) document, as zod 4's `z.toJSONSchema` produces it. */
export const JsonSchemaDocument = z.record(z.string(), z.unknown());
export type JsonSchemaDocument = z.infer<typeof JsonSchemaDocument>;

/**
 * How a tool's activity is run unless a step says otherwise. Every field is optional:
 * what a tool leaves out falls back to the platform default (`PLATFORM_STEP_DEFAULTS`).
 */
export const ToolRunDefaults = z.strictObject({
  retry_policy: StepRetryPolicy.optional(),
  /** Start-to-close timeout of one attempt. */
  timeout_seconds: z.number().int().min(1).max(86_400).optional(),
  /**
   * How long an attempt may go without a heartbeat before Temporal counts it as lost (a
   * crashed worker) and retries it elsewhere. The activity layer heartbeats on its own
   * while a tool awaits, so only a tool that blocks the event loop longer needs more.
   */
  heartbeat_timeout_seconds: z.number().int().min(1).max(3_600).optional(),
  /**
   * How long an attempt may wait for a worker of the tool to take it before the step fails
   * (Temporal's schedule-to-start timeout, never retried). Unset: it waits for one.
   */
  schedule_to_start_timeout_seconds: z.number().int().min(1).max(86_400).optional(),
});
export type ToolRunDefaults = z.infer<typeof ToolRunDefaults>;

/** What a workflow author, the API and publish-time checks know about a tool, without running it. */
export const ToolDescriptor = z.object({
  tool_id: z.string(),
  name: z.string(),
  description: z.string(),
  version: z.string(),
  /** JSON Schema of the parameters object, generated from the tool's zod schema. */
  parameters: JsonSchemaDocument,
  /** JSON Schema of the outputs object, generated from the tool's zod schema. */
  outputs: JsonSchemaDocument,
  defaults: ToolRunDefaults,
});
export type ToolDescriptor = z.infer<typeof ToolDescriptor>;

/**
 * One version of a tool as the catalog holds it: its descriptor plus where its activity is
 * served (`task_queue`, `activity_type`), whether new publishes may still pick it, and when
 * it was first registered. Everything but `deprecated` is immutable once stored.
 */
export const RegisteredTool = ToolDescriptor.extend({
  /** The Temporal task queue whose workers serve this tool's activity. */
  task_queue: z.string(),
  /** The activity type a step of this tool schedules (the `tool_id` unless registered otherwise). */
  activity_type: z.string(),
  /**
   * Served by Ordo's own worker on its jobs' task queue, which records each step inside the
   * tool's activity (the fast path); registered by Ordo's processes at start, never by the API.
   */
  builtin: z.boolean(),
  /** A deprecated version stays runnable by what already pins it, but no new publish picks it. */
  deprecated: z.boolean(),
  registered_at: z.string(),
});
export type RegisteredTool = z.infer<typeof RegisteredTool>;

/** What registering a tool version states: everything a version is compared on when registered again. */
export const ToolContract = RegisteredTool.omit({ deprecated: true, registered_at: true });
export type ToolContract = z.infer<typeof ToolContract>;

/**
 * Where a step of a tool that Ordo's own worker does not serve is sent: its pinned version,
 * the task queue its workers poll and the activity type they serve, and the parameters Ordo
 * fills itself (`x-ordo-upload-url`). Handed to a run with the tool's run defaults.
 */
export const ToolDispatch = z.strictObject({
  tool_id: z.string(),
  version: z.string(),
  task_queue: z.string(),
  activity_type: z.string(),
  /** Parameters whose schema says `"x-ordo-upload-url": true`: Ordo fills them at dispatch. */
  filled_parameters: z.array(z.string()),
});
export type ToolDispatch = z.infer<typeof ToolDispatch>;

/** What a run knows of one tool its steps name: its run defaults, and where to send a step of an external tool. */
export const RunTool = ToolRunDefaults.extend({ dispatch: ToolDispatch.optional() });
export type RunTool = z.infer<typeof RunTool>;
