import type { z } from 'zod';
import type { FileValue, ReadFileOptions, UploadedFile } from './file-transfer.js';

/** Structured log lines of a tool, tagged with the tool, job and attempt by the activity layer. */
export interface ToolLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What every tool may use besides its parameters, wherever it runs. */
export interface ToolContextBase {
  /**
   * Reports how far the tool has got ("Processing page 3 of 10", 0.3): heartbeat details
   * `{ message, fraction }`, which Ordo shows as the step's live output and progress. A
   * property, not a method, so tools may destructure it from the context.
   */
  progress: (message: string, fraction?: number) => void;
  /** Fires when the job is cancelled or the attempt times out: stop at the next safe point. */
  signal: AbortSignal;
  /** This attempt's number, from 1. */
  attempt: number;
  log: ToolLogger;
}

/** Who an external tool's attempt works for, from the activity's own info. */
export interface ToolCallInfo {
  /** The Ordo job: its workflow ID is the `job_id`. */
  job_id: string;
  /** The Temporal run of the job's workflow. */
  workflow_run_id: string;
  activity_id: string;
  activity_type: string;
  task_queue: string;
}

/**
 * The context of a tool served by `runToolWorker` (or any worker that registers
 * `toolActivity(tool)`): progress, cancellation and logs, who it works for, and files over
 * plain HTTP (Ordo hands an external tool FileValues with a signed `content_url`, and upload
 * URLs in parameters marked `"x-ordo-upload-url": true`).
 */
export interface ToolContext extends ToolContextBase {
  info: ToolCallInfo;
  /** The bytes of a FileValue, downloaded from its `content_url` (cancelled with the attempt). */
  readFile(file: FileValue, options?: ReadFileOptions): Promise<Uint8Array>;
  /** Uploads bytes to an upload URL Ordo gave the tool; answers the stored file's FileValue, to return as an output. */
  uploadFile(uploadUrl: string, bytes: Uint8Array, name: string, mimeType?: string): Promise<UploadedFile>;
}

/** A tool's parameters or outputs: one named field each, each with a `.describe()` text. */
export type ToolObjectSchema = z.ZodObject<Record<string, z.ZodType>>;

/** How a step runs a tool unless it says otherwise (Ordo's `ToolRunDefaults`); unset fields use the platform's. */
export interface ToolRunDefaults {
  retry_policy?: {
    maximum_attempts?: number;
    initial_interval_ms?: number;
    backoff_coefficient?: number;
    maximum_interval_ms?: number;
  };
  /** Start-to-close timeout of one attempt. */
  timeout_seconds?: number;
  /** How long an attempt may go without a heartbeat before Temporal counts it as lost. */
  heartbeat_timeout_seconds?: number;
  /** How long an attempt may wait for a worker to take it before the step fails (`NO_WORKER`); unset: it waits. */
  schedule_to_start_timeout_seconds?: number;
}

/**
 * A tool, defined once: its catalog entry, the schemas its parameters and outputs must
 * satisfy, how it is run by default, and what it does. The catalog descriptor (with JSON
 * Schemas, `describeTool`) and the Temporal activity (`toolActivity`) are both derived from
 * it, so they cannot drift apart. `C` is the context `run` gets: a host may give more
 * (Ordo's built-in tools read its file store).
 */
export interface ToolDefinition<
  P extends ToolObjectSchema = ToolObjectSchema,
  O extends ToolObjectSchema = ToolObjectSchema,
  C extends ToolContextBase = ToolContext,
> {
  tool_id: string;
  name: string;
  description: string;
  /** Semantic version of the tool's contract (parameters, outputs, behaviour): change it whenever they change. */
  version: string;
  parameters: P;
  outputs: O;
  /** Retry policy and timeouts unless a step overrides them. */
  defaults?: ToolRunDefaults;
  /** The activity type the tool is served under; default its `tool_id` (two major versions side by side need two). */
  activity_type?: string;
  // Method syntax on purpose: it lets tools with different schemas share one list.
  run(params: z.output<P>, ctx: C): Promise<z.input<O>>;
}

/** Infers a tool's types from its definition, so `run` is checked against `parameters` and `outputs`. */
export function defineTool<P extends ToolObjectSchema, O extends ToolObjectSchema>(
  tool: ToolDefinition<P, O>,
): ToolDefinition<P, O> {
  return tool;
}
