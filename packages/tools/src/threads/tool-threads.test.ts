import { threadId } from 'node:worker_threads';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { applicationFailureOf } from '@ordo/testing';
import { memoryFiles } from '../testing-context';
import { runTool } from '../testing/run-tool';
import { THREAD_PROBE_MEMORY_MIB, THREAD_PROBE_YOUNG_GENERATION_MIB, threadProbe } from '../testing/thread-probe';
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

  it(
    'asks a cancelled run to stop: it gives up at its next check, and its thread, whole, runs the next',
    { timeout: 60_000 },
    async () => {
      const single = new ToolThreads({ maxThreads: 1 });
      try {
        const { log, lines } = recordingLogger();
        const controller = new AbortController();
        // Cancelled once the tool has said which thread it runs in.
        const cancelling: ToolLogger = {
          ...log,
          info: (message, fields) => {
            log.info(message, fields);
            controller.abort(new CancelledFailure('Activity cancelled'));
          },
        };
        const stepping = runTool(
          threadProbe,
          { action: 'steps' },
          { threads: single, log: cancelling, signal: controller.signal },
        ).catch((e: unknown) => e);
        expect(await stepping).toBeInstanceOf(CancelledFailure);
        const stepped = lines.find((line) => line.message === 'probe started')?.fields?.thread_id;
        expect(stepped).toEqual(expect.any(Number));
        // Not terminated: the same thread answers next (a terminated one would be replaced).
        expect((await runTool(threadProbe, { action: 'answer' }, { threads: single })).thread_id).toBe(stepped);
        expect(single.busy).toBe(0);
      } finally {
        await single.close();
      }
    },
  );

  it(
    'terminates a run that does not stop within the grace period, keeping its place taken until then',
    { timeout: 60_000 },
    async () => {
      const single = new ToolThreads({ maxThreads: 1, stopGraceMs: 300 });
      try {
        const controller = new AbortController();
        const spinning = runTool(
          threadProbe,
          { action: 'spin' },
          {
            threads: single,
            signal: controller.signal,
            heartbeat: () => controller.abort(new CancelledFailure('Activity cancelled')),
          },
        ).catch((e: unknown) => e);
        // The attempt ends at once; the thread is still spinning until the grace period is over.
        expect(await spinning).toBeInstanceOf(CancelledFailure);
        expect(single.busy).toBe(1);
        await vi.waitFor(() => expect(single.busy).toBe(0), { timeout: 30_000 });
        expect((await runTool(threadProbe, { action: 'answer' }, { threads: single })).thread_id).toEqual(
          expect.any(Number),
        );
      } finally {
        await single.close();
      }
    },
  );

  it('closing asks the runs in progress to stop and waits for their threads', { timeout: 60_000 }, async () => {
    const closing = new ToolThreads({ maxThreads: 2 });
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    const stepping = applicationFailureOf(
      runTool(threadProbe, { action: 'steps' }, { threads: closing, heartbeat: () => started() }),
    );
    await running;
    await closing.close();
    expect(closing.busy).toBe(0);
    // An ordinary, retryable failure: the step is tried again on a worker that is not closing.
    const failure = await stepping;
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
      'TOOL_FAILED',
      false,
      "Tool 'thread_probe' failed: The tool threads are closing",
    ]);
  });

  it('has no web compression streams (zlib) in its threads, so terminating one never lands in zlib', async () => {
    expect('DecompressionStream' in globalThis).toBe(true);
    expect((await runTool(threadProbe, { action: 'globals' }, { threads })).compression_streams).toBe(false);
  });

  it("caps each thread's heap as its tool says: the old generation, and the young one where it sets it", async () => {
    expect((await runTool(threadProbe, { action: 'globals' }, { threads })).heap_limits_mib).toEqual({
      old_generation: THREAD_PROBE_MEMORY_MIB,
      young_generation: THREAD_PROBE_YOUNG_GENERATION_MIB,
    });
  });

  it(
    'leaves the event loop free while the tool never yields, and a cancel ends the attempt at once',
    { timeout: 60_000 },
    async () => {
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
      // The spinning thread is terminated after the grace period; the next run works meanwhile.
      expect((await runTool(threadProbe, { action: 'answer' }, { threads })).thread_id).toEqual(expect.any(Number));
    },
  );

  it('is stopped at its time limit and fails with the error the tool gives for it', async () => {
    const failure = await applicationFailureOf(runTool(threadProbe, { action: 'spin', limit_ms: 200 }, { threads }));
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual(['TIMEOUT', true, 'stopped after 200 ms']);
  });

  it(
    'fails for good with RESOURCE_LIMIT_EXCEEDED when it needs more memory than its thread may have; a new thread takes the next run',
    { timeout: 120_000 },
    async () => {
      const failure = await applicationFailureOf(runTool(threadProbe, { action: 'hog' }, { threads }));
      expect([failure.type, failure.nonRetryable]).toEqual(['RESOURCE_LIMIT_EXCEEDED', true]);
      expect(failure.message).toBe(
        `thread_probe needed more than ${THREAD_PROBE_MEMORY_MIB} MiB of memory, its limit, and was stopped; trying again would need the same`,
      );
      // The process is up, and the pool runs the next run in a thread (the dead one replaced).
      const after = await runTool(threadProbe, { action: 'answer' }, { threads });
      expect(after.thread_id).not.toBe(threadId);
      await vi.waitFor(() => expect(threads.busy).toBe(0));
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

  it(
    'runs at most maxThreads at once: a further run waits its turn, saying so, then runs',
    { timeout: 60_000 },
    async () => {
      const single = new ToolThreads({ maxThreads: 1, stopGraceMs: 500 });
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
    },
  );
});
