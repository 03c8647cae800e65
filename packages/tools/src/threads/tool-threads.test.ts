import { threadId } from 'node:worker_threads';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import { applicationFailureOf } from '@ordo/testing';
import { memoryFiles } from '../testing-context';
import { runTool } from '../testing/run-tool';
import { THREAD_PROBE_MEMORY_MIB, threadProbe } from '../testing/thread-probe';
import type { ToolLogger } from '../tool-definition';
import { ToolThreads } from './tool-threads';

const threads = new ToolThreads({ maxThreads: 2 });
afterAll(() => threads.close());

function recordingLogger(): { log: ToolLogger; lines: { message: string; fields?: Record<string, unknown> }[] } {
  const lines: { message: string; fields?: Record<string, unknown> }[] = [];
  const line = (message: string, fields?: Record<string, unknown>): void => void lines.push({ message, fields });
  return { log: { debug: line, info: line, warn: line, error: line }, lines };
}

describe('a tool with thread settings', () => {
  it('runs in a thread of its own; its progress and log lines reach the attempt', async () => {
    const heartbeats: unknown[] = [];
    const { log, lines } = recordingLogger();
    const outputs = await runTool(
      threadProbe,
      { action: 'answer' },
      { threads, log, heartbeat: (details) => heartbeats.push(details) },
    );
    expect(outputs.thread_id).not.toBe(threadId);
    expect(heartbeats).toContainEqual({ message: 'Probing: answer', fraction: 0.5 });
    expect(lines).toContainEqual({
      message: 'probe started',
      fields: expect.objectContaining({ tool_id: 'thread_probe', action: 'answer', thread_id: outputs.thread_id }),
    });
  });

  it('reads files through the activity: the bytes arrive whole and the reader keeps its own', async () => {
    const bytes = new Uint8Array([37, 80, 68, 70, 45, 49]);
    const files = memoryFiles({ doc: { bytes, name: 'doc.pdf' } });
    const outputs = await runTool(threadProbe, { action: 'read_file', file_id: 'doc' }, { threads, files });
    expect(outputs.file).toEqual({ name: 'doc.pdf', size: 6, first_bytes: [37, 80, 68, 70] });
    // What the thread got was a copy, moved: the reader's own buffer is untouched.
    expect(bytes.byteLength).toBe(6);
    expect(
      (await runTool(threadProbe, { action: 'read_file', file_id: 'missing' }, { threads, files })).file,
    ).toBeNull();
  });

  it('leaves the event loop free while the tool never yields, and a cancel stops it at once', async () => {
    const controller = new AbortController();
    let ticks = 0;
    // Run in-process, the spinning tool would hold the event loop: this timer would never
    // fire, nothing would cancel it, and the test would time out.
    const timer = setInterval(() => {
      if (++ticks === 5) controller.abort(new CancelledFailure('Activity cancelled'));
    }, 20);
    const error = await runTool(threadProbe, { action: 'spin' }, { threads, signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    clearInterval(timer);
    expect(error).toBeInstanceOf(CancelledFailure);
    expect(ticks).toBeGreaterThanOrEqual(5);
    // The stopped thread is replaced: the next run works.
    expect((await runTool(threadProbe, { action: 'answer' }, { threads })).thread_id).toEqual(expect.any(Number));
  });

  it('is stopped at its time limit and fails with the error the tool gives for it', async () => {
    const failure = await applicationFailureOf(runTool(threadProbe, { action: 'spin', limit_ms: 200 }, { threads }));
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual(['TIMEOUT', true, 'stopped after 200 ms']);
  });

  it(
    'fails for good with RESOURCE_LIMIT_EXCEEDED when it needs more memory than its thread may have',
    { timeout: 120_000 },
    async () => {
      const failure = await applicationFailureOf(runTool(threadProbe, { action: 'hog' }, { threads }));
      expect([failure.type, failure.nonRetryable]).toEqual(['RESOURCE_LIMIT_EXCEEDED', true]);
      expect(failure.message).toBe(
        `thread_probe needed more than ${THREAD_PROBE_MEMORY_MIB} MiB of memory, its limit, and was stopped; trying again would need the same`,
      );
    },
  );

  it('keeps a ToolError whole across the thread; any other error stays retryable', async () => {
    const coded = await applicationFailureOf(runTool(threadProbe, { action: 'tool_error' }, { threads }));
    expect([coded.type, coded.nonRetryable, coded.message]).toEqual([
      'PDF_INVALID',
      true,
      'the probe says the file is corrupt',
    ]);
    const crash = await applicationFailureOf(runTool(threadProbe, { action: 'crash' }, { threads }));
    expect([crash.type, crash.nonRetryable, crash.message]).toEqual([
      'TOOL_FAILED',
      false,
      "Tool 'thread_probe' failed: the probe broke",
    ]);
  });

  it('runs at most maxThreads at once: a further run waits its turn, saying so, then runs', async () => {
    const single = new ToolThreads({ maxThreads: 1 });
    try {
      let firstEnded = false;
      const first = runTool(threadProbe, { action: 'spin', limit_ms: 1_000 }, { threads: single }).catch(() => {
        firstEnded = true;
      });
      const heartbeats: unknown[] = [];
      const second = await runTool(
        threadProbe,
        { action: 'answer' },
        { threads: single, heartbeat: (details) => heartbeats.push(details) },
      );
      expect(firstEnded).toBe(true);
      expect(second.thread_id).toEqual(expect.any(Number));
      expect(heartbeats[0]).toEqual({ message: 'Waiting for a free tool thread (1 busy)' });
      await first;
    } finally {
      await single.close();
    }
  });
});
