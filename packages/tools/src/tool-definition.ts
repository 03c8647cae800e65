import type { z } from 'zod';
import type { SchemaValue } from '@ordo/core';
import type { FileReader } from './file-reader';
import type { ProgressReporter } from './progress';

/** What a tool may use besides its parameters. */
export interface ToolContext {
  files: FileReader;
  progress: ProgressReporter;
}

/** A tool's parameters: one named field per parameter, each with a `.describe()` text. */
export type ToolParamsSchema = z.ZodObject<Record<string, z.ZodType>>;

/**
 * A tool, defined once: its catalog entry (descriptor fields), the schema its parameters
 * must satisfy, and what it does. The descriptor and the activity are both derived from it.
 */
export interface ToolDefinition<P extends ToolParamsSchema = ToolParamsSchema, O extends string = string> {
  tool_id: string;
  name: string;
  description: string;
  outputs: readonly O[];
  params: P;
  // Method syntax on purpose: it lets tools with different schemas share one list.
  run(params: z.output<P>, ctx: ToolContext): Promise<Record<O, SchemaValue>>;
}

/** Infers a tool's types from its definition, so `run` is checked against `params` and `outputs`. */
export function defineTool<P extends ToolParamsSchema, const O extends string>(tool: ToolDefinition<P, O>): ToolDefinition<P, O> {
  return tool;
}
