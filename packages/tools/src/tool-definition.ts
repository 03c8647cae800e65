import type { z } from 'zod';
import type { StepAddress, ToolRunDefaults } from '@ordo/core';
import type {
  ToolContextBase,
  ToolDefinition as KitToolDefinition,
  ToolLogger,
  ToolObjectSchema,
} from '@ordo/tool-kit';
import type { FileReader } from './file-reader';
import type { ToolError } from './tool-error';

export type { ToolLogger, ToolObjectSchema };

/**
 * What a built-in tool may use besides its parameters: the kit's context (progress,
 * cancellation, attempt, logger) plus Ordo's own file store and the step it works for, since
 * it runs inside Ordo's worker (an external tool reads files over HTTP instead).
 */
export interface ToolContext extends ToolContextBase {
  /** Uploaded files by `file_id`. */
  files: FileReader;
  /** The job, run and step this call works for, with the job's correlation ID. */
  step: StepAddress;
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
  /**
   * The thread's young generation (V8's new space: two semi-spaces and the new large-object
   * space, each a third), MiB; V8's default when absent (48: 16 MiB semi-spaces). A larger one
   * is scavenged less often, for a tool that makes much short-lived garbage (pdf_extractor);
   * the memory it adds is bounded by it.
   */
  youngGenerationMiB?: number;
  /** A hard limit on a run's time, from its parameters: past `ms` the thread is stopped and the attempt fails with `error()`. */
  timeLimit?(params: P): { ms: number; error: () => ToolError } | undefined;
}

/**
 * A built-in tool: a tool-kit tool (the same `defineTool` contract an external tool states)
 * whose `run` gets Ordo's context, with Ordo's run defaults type, optionally run in a thread.
 */
export interface ToolDefinition<
  P extends ToolObjectSchema = ToolObjectSchema,
  O extends ToolObjectSchema = ToolObjectSchema,
> extends KitToolDefinition<P, O, ToolContext> {
  defaults?: ToolRunDefaults;
  /** Set for a tool whose work is CPU- or memory-heavy: `run` then runs in a worker thread of its own. */
  thread?: ToolThreadSettings<z.output<P>>;
}

/** Infers a tool's types from its definition, so `run` is checked against `parameters` and `outputs`. */
export function defineTool<P extends ToolObjectSchema, O extends ToolObjectSchema>(
  tool: ToolDefinition<P, O>,
): ToolDefinition<P, O> {
  return tool;
}
