import type { z } from 'zod';
import type { StepAddress, ToolRunDefaults } from '@ordo/core';
import type { FileReader } from './file-reader';
import type { ToolError } from './tool-error';

/** Structured log lines of a tool, tagged with the job and step by the activity layer. */
export interface ToolLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What a tool may use besides its parameters. */
export interface ToolContext {
  /**
   * Reports how far the tool has got ("Processing page 3 of 10", 0.3); shown as the job's
   * live output. A property, not a method, so tools may destructure it from the context.
   */
  progress: (message: string, fraction?: number) => void;
  /** Fires when the job is cancelled or the attempt times out: stop at the next safe point. */
  signal: AbortSignal;
  /** Uploaded files by `file_id`. */
  files: FileReader;
  /** The job, run and step this call works for, with the job's correlation ID. */
  step: StepAddress;
  /** This attempt's number, from 1. */
  attempt: number;
  log: ToolLogger;
}

/**
 * Where a tool whose work is CPU- or memory-heavy runs: a worker thread, so the worker's
 * event loop stays free (heartbeats, other jobs' workflow tasks and activities go on), its
 * heap capped, and stopped at once on cancellation or at its time limit even while the
 * tool never yields. The activity layer sends the parameters there and gets the outputs
 * back; files, progress and log lines travel as messages (see `threads/`).
 */
export interface ToolThreadSettings<P = unknown> {
  /** The module that exports the tool (its `import.meta.url`): the thread imports it and finds the tool by `tool_id`. */
  module: string;
  /** The thread's heap limit (V8's old generation), MiB. A run that needs more fails for good with RESOURCE_LIMIT_EXCEEDED. */
  memoryLimitMiB: number;
  /** A hard limit on a run's time, from its parameters: past `ms` the thread is stopped and the attempt fails with `error()`. */
  timeLimit?(params: P): { ms: number; error: () => ToolError } | undefined;
}

/** A tool's parameters or outputs: one named field each, each with a `.describe()` text. */
export type ToolObjectSchema = z.ZodObject<Record<string, z.ZodType>>;

/**
 * A tool, defined once: its catalog entry, the schemas its parameters and outputs must
 * satisfy, how it is run by default, and what it does. The catalog descriptor (with JSON
 * Schemas) and the Temporal activity are both derived from it, so they cannot drift apart.
 */
export interface ToolDefinition<
  P extends ToolObjectSchema = ToolObjectSchema,
  O extends ToolObjectSchema = ToolObjectSchema,
> {
  tool_id: string;
  name: string;
  description: string;
  /** Semantic version of the tool's contract (parameters, outputs, behaviour). */
  version: string;
  params: P;
  outputs: O;
  /** Retry policy and timeouts unless a step overrides them; unset fields use the platform's. */
  defaults?: ToolRunDefaults;
  /** Set for a tool whose work is CPU- or memory-heavy: `run` then runs in a worker thread of its own. */
  thread?: ToolThreadSettings<z.output<P>>;
  // Method syntax on purpose: it lets tools with different schemas share one list.
  run(params: z.output<P>, ctx: ToolContext): Promise<z.input<O>>;
}

/** Infers a tool's types from its definition, so `run` is checked against `params` and `outputs`. */
export function defineTool<P extends ToolObjectSchema, O extends ToolObjectSchema>(
  tool: ToolDefinition<P, O>,
): ToolDefinition<P, O> {
  return tool;
}
