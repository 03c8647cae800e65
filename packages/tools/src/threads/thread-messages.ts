import type { MessagePort } from 'node:worker_threads';
import type { StepAddress, ToolErrorCode } from '@ordo/core';
import type { StoredFile } from '../file-reader';

/**
 * What crosses between the activity (main thread) and a tool's worker thread. Everything
 * here is structured-cloned, except file bytes, which are moved.
 */

/** One run of a tool in its thread. */
export interface ThreadTask {
  /** The module exporting the tool (`ToolThreadSettings.module`). */
  module: string;
  tool_id: string;
  /** Parsed by the activity layer already: the tool's `z.output` of its parameters. */
  params: unknown;
  step: StepAddress;
  attempt: number;
  /** The thread's end of the channel carrying progress, log lines and file reads. */
  port: MessagePort;
  /**
   * One cell over a SharedArrayBuffer, set to `STOP_REQUESTED` when the activity asks the run
   * to stop. Read synchronously, it reaches a tool that never returns to its event loop while
   * it works (pdf.js reading page after page runs on promises alone, so a `stop` message would
   * wait until the end); the `stop` message reaches one that waits on its event loop.
   */
  stop: Int32Array;
}

/** The value of `ThreadTask.stop` once the run is asked to stop. */
export const STOP_REQUESTED = 1;

/**
 * How a run in the thread ended. A failure travels as data: an Error's class does not
 * survive the crossing. `stopped`: the run gave up at a `stop` request (its signal fired).
 */
export type ThreadResult =
  { ok: true; outputs: unknown } | { ok: false; error: ThreadError } | { ok: false; stopped: true };

/** A `ToolError` (kept whole: code and retryability), or any other error by its name and message. */
export type ThreadError =
  | { tool: true; code: ToolErrorCode; message: string; retryable: boolean }
  | { tool: false; name: string; message: string };

/** The thread's messages to the activity. */
export type ThreadMessage =
  | { kind: 'started' }
  | { kind: 'progress'; message: string; fraction?: number }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> }
  | { kind: 'read-file'; request: number; file_id: string };

/** The activity's answer to a `read-file`: the file (its bytes moved, not copied), none, or why it could not be read. */
export type FileReply = { request: number; file: StoredFile | undefined } | { request: number; error: string };

/**
 * The activity asks the run to stop (its attempt was cancelled, its time limit passed, the
 * worker is closing): the thread aborts the signal its tool sees, and the tool gives up at its
 * next check (pdf_extractor: before each page).
 */
export interface StopRequest {
  kind: 'stop';
}

/** The activity's messages to the thread. */
export type ActivityMessage = FileReply | StopRequest;
