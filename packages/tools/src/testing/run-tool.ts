import { createHash } from 'node:crypto';
import type { BlobStore, StepAddress, ToolOutputs, ToolParams } from '@ordo/core';
import type { FileReader } from '../file-reader';
import type { HttpToolConfig } from '../http/http-config';
import type { ProgressTiming } from '@ordo/tool-kit';
import type { ToolThreads } from '../threads/tool-threads';
import { createToolActivities } from '../tool-activities';
import type { ToolActivity, ToolCall, ToolCallResult } from '../tool-call';
import type { ToolDefinition, ToolLogger } from '../tool-definition';

/** A content-addressed blob store in memory, for unit tests. */
export class MemoryBlobStore implements BlobStore {
  readonly blobs = new Map<string, Uint8Array>();

  put(bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    this.blobs.set(sha256, bytes);
    return Promise.resolve({ sha256, size: bytes.byteLength });
  }

  get(sha256: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.blobs.get(sha256));
  }
}

/** The step address unit tests run tools for. */
export const TEST_STEP: StepAddress = {
  job_id: 'job_test',
  run_id: 'run_test',
  workflow_id: 'wf_test',
  step_index: 0,
  step_id: 'step_test',
  correlation_id: 'corr_test',
};

/** How `runTool` runs a tool; every field has a harmless default. */
export interface RunToolOptions {
  attempt?: number;
  signal?: AbortSignal;
  files?: FileReader;
  blobs?: BlobStore;
  http?: HttpToolConfig;
  testLedgerPath?: string;
  inlineLimitBytes?: number;
  /** Receives every heartbeat's details. */
  heartbeat?: (details: unknown) => void;
  log?: ToolLogger;
  progressTiming?: ProgressTiming;
  step?: StepAddress;
  /** Where tools with `thread` settings run; default the shared one. */
  threads?: ToolThreads;
  /** Wraps the tool's activity before it is called (the worker's step recording, in its tests). */
  wrap?: (activities: Record<string, ToolActivity>) => Record<string, (call: ToolCall) => Promise<ToolCallResult>>;
}

const NO_FILES: FileReader = { read: () => Promise.resolve(undefined) };

/**
 * Runs one tool through the real activity layer (validation, references, failure mapping)
 * without Temporal: the attempt number, signal and heartbeat come from `options`. It
 * resolves with the outputs or rejects with the `ApplicationFailure` or `CancelledFailure`
 * the activity would throw.
 */
export function runTool(tool: ToolDefinition, params: ToolParams, options: RunToolOptions = {}): Promise<ToolOutputs> {
  const signal = options.signal ?? new AbortController().signal;
  const created = createToolActivities([tool], {
    files: options.files ?? NO_FILES,
    blobs: options.blobs ?? new MemoryBlobStore(),
    http: options.http,
    testLedgerPath: options.testLedgerPath,
    inlineLimitBytes: options.inlineLimitBytes,
    log: options.log,
    progressTiming: options.progressTiming,
    threads: options.threads,
    attempt: () => ({
      attempt: options.attempt ?? 1,
      signal,
      heartbeat: options.heartbeat ?? (() => undefined),
      log: undefined,
    }),
  });
  const activities = options.wrap?.(created) ?? created;
  return activities[tool.tool_id]!({ step: options.step ?? TEST_STEP, params }).then((result) => result.outputs);
}
