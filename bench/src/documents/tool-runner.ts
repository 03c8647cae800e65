import { performance } from 'node:perf_hooks';
import type { ToolOutputs, ToolParams } from '@ordo/core';
import { TOOLS, ToolThreads, type FileReader, type ToolDefinition } from '@ordo/tools';
import { runTool } from '@ordo/tools/testing';

/** A tool call's ending: its outputs, or the failure the activity would have thrown, and its wall time. */
export type ToolRun =
  { ok: true; outputs: ToolOutputs; ms: number } | { ok: false; code: string; message: string; ms: number };

function tool(id: string): ToolDefinition {
  const found = TOOLS.find((t) => t.tool_id === id);
  if (found === undefined) throw new Error(`no tool ${id} in @ordo/tools`);
  return found;
}

/**
 * Runs seed 002's two steps as the worker runs them, without Temporal: `pdf_extractor`
 * with `extraction_mode: 'full'` on the file, then `text_analyzer` on its `extracted_text`,
 * each through `@ordo/tools`' activity layer (parameter and output checks, failures mapped
 * as the activity maps them) and in its worker thread (`ToolThreads`, the worker's heap caps).
 */
export class DocumentToolRunner {
  private readonly threads = new ToolThreads({ maxThreads: 1 });
  private readonly extractor = tool('pdf_extractor');
  private readonly analyzer = tool('text_analyzer');

  /** `pdf_extractor` on `bytes`, read as the uploaded file `name`. */
  extract(bytes: Uint8Array, name: string): Promise<ToolRun> {
    const files: FileReader = {
      read: (fileId) =>
        Promise.resolve(
          fileId === 'file_bench' ? { bytes, name, mime_type: 'application/pdf', size: bytes.length } : undefined,
        ),
    };
    return this.timed(
      this.extractor,
      {
        input_file: { file_id: 'file_bench', name },
        extraction_mode: 'full',
      },
      files,
    );
  }

  /** `text_analyzer` on `text` at `level` (seed 002's request asks for one of the three). */
  analyze(text: string, level: 'basic' | 'detailed' | 'comprehensive' = 'basic'): Promise<ToolRun> {
    return this.timed(this.analyzer, { text, analysis_level: level });
  }

  close(): Promise<void> {
    return this.threads.close();
  }

  private async timed(definition: ToolDefinition, params: ToolParams, files?: FileReader): Promise<ToolRun> {
    const start = performance.now();
    try {
      const outputs = await runTool(definition, params, { threads: this.threads, files });
      return { ok: true, outputs, ms: performance.now() - start };
    } catch (err) {
      const failure = err as { type?: unknown; message?: unknown };
      return {
        ok: false,
        code: typeof failure.type === 'string' ? failure.type : 'ERROR',
        message: typeof failure.message === 'string' ? failure.message : String(err),
        ms: performance.now() - start,
      };
    }
  }
}
