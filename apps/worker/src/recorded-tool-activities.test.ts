import { describe, expect, it, vi } from 'vitest';
import { storeLargeValues, type ToolParams } from '@ordo/core';
import { applicationFailureOf } from '@ordo/testing';
import {
  createToolActivities as toolKitActivities,
  ToolError,
  type ToolDefinition,
  type ToolDependencies,
} from '@ordo/tools';
import { MemoryBlobStore, probe, runTool as runToolKit, TEST_STEP, type RunToolOptions } from '@ordo/tools/testing';
import { recordedToolActivities } from './recorded-tool-activities';
import type { StepAttemptRecorder } from './step-attempt-recorder';

// Moved from packages/tools/src/tool-activities.test.ts with the step recording it tests.

const lengthOf = probe(({ text }) => Promise.resolve({ length: text.length }));

/** The tool kit's activities with the worker's step recording around them, as `createWorker` registers them. */
function createToolActivities(
  tools: readonly ToolDefinition[],
  deps: ToolDependencies & { recorder: StepAttemptRecorder; startRecordDelayMs?: number },
) {
  const { recorder, startRecordDelayMs, ...toolDeps } = deps;
  return recordedToolActivities(toolKitActivities(tools, toolDeps), recorder, {
    ...(startRecordDelayMs !== undefined && { startRecordDelayMs }),
  });
}

/** Runs one tool with its step recorded, through the tool kit's `runTool`. */
function runTool(
  tool: ToolDefinition,
  params: ToolParams,
  options: Omit<RunToolOptions, 'wrap'> & { recorder: StepAttemptRecorder; startRecordDelayMs?: number },
) {
  const { recorder, startRecordDelayMs, ...rest } = options;
  return runToolKit(tool, params, {
    ...rest,
    wrap: (activities) =>
      recordedToolActivities(activities, recorder, {
        ...(startRecordDelayMs !== undefined && { startRecordDelayMs }),
      }),
  });
}

describe('step recording around a tool activity', () => {
  function recorder() {
    return {
      started: vi.fn<StepAttemptRecorder['started']>(() => Promise.resolve(undefined)),
      progress: vi.fn<StepAttemptRecorder['progress']>(() => Promise.resolve()),
      succeeded: vi.fn<StepAttemptRecorder['succeeded']>(() => Promise.resolve(undefined)),
      failed: vi.fn<StepAttemptRecorder['failed']>(() => Promise.resolve()),
      claim: vi.fn<StepAttemptRecorder['claim']>(() => Promise.resolve({ ok: true })),
    };
  }

  it('records how each attempt ended, and puts the attempt in the failure it throws', async () => {
    const rec = recorder();
    await runTool(
      probe(() => Promise.resolve({ length: 5 })),
      { text: 'a' },
      { attempt: 2, recorder: rec },
    );
    expect(rec.succeeded.mock.calls[0]!.slice(0, 3)).toEqual([TEST_STEP, 2, { length: 5 }]);

    const failing = probe(() => Promise.reject(new ToolError('DELIBERATE_FAILURE', 'no luck', { retryable: true })));
    const failure = await applicationFailureOf(runTool(failing, { text: 'a' }, { attempt: 3, recorder: rec }));
    expect(failure.details).toEqual([{ attempt: 3 }]);
    expect(failure.nonRetryable).toBe(false);
    expect(rec.failed.mock.calls[0]!.slice(0, 4)).toEqual([
      TEST_STEP,
      3,
      { code: 'DELIBERATE_FAILURE', message: 'no luck' },
      true,
    ]);
  });

  it('records a quick first attempt in one write, when it ends; a slow one, a retry or one reporting progress, when it starts', async () => {
    const quick = recorder();
    await runTool(
      probe(() => Promise.resolve({ length: 1 })),
      { text: 'a' },
      { recorder: quick, startRecordDelayMs: 1000 },
    );
    expect(quick.started).not.toHaveBeenCalled();
    expect(quick.succeeded).toHaveBeenCalledOnce();
    expect(quick.succeeded.mock.calls[0]![3]).toMatch(/^\d{4}-\d\d-\d\dT/);

    const slow = recorder();
    await runTool(
      probe(() => new Promise((resolve) => setTimeout(() => resolve({ length: 1 }), 60))),
      { text: 'a' },
      { recorder: slow, startRecordDelayMs: 10 },
    );
    expect(slow.started).toHaveBeenCalledOnce();
    expect(slow.started.mock.calls[0]![2]).toBe(slow.succeeded.mock.calls[0]![3]);

    const retry = recorder();
    await runTool(
      probe(() => Promise.resolve({ length: 1 })),
      { text: 'a' },
      { attempt: 2, recorder: retry, startRecordDelayMs: 1000 },
    );
    expect(retry.started).toHaveBeenCalledOnce();

    const reporting = recorder();
    const order: string[] = [];
    reporting.started.mockImplementation(() => Promise.resolve(void order.push('started')));
    reporting.progress.mockImplementation(() => Promise.resolve(void order.push('progress')));
    await runTool(
      probe(async (_, ctx) => {
        ctx.progress('page 1');
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { length: 1 };
      }),
      { text: 'a' },
      { recorder: reporting, startRecordDelayMs: 1000 },
    );
    expect(order).toEqual(['started', 'progress']);
  });

  it('records the attempt start and throttled progress, and heartbeats every report and on its own', async () => {
    const rec = recorder();
    const heartbeats: unknown[] = [];
    const tool = probe(async (_, ctx) => {
      expect(ctx.attempt).toBe(3);
      expect(ctx.step).toEqual(TEST_STEP);
      ctx.progress('a', 0.1);
      ctx.progress('b', 0.2);
      ctx.progress('c', 7);
      // Longer than the record interval (the trailing 'c' is recorded) and several heartbeat intervals.
      await new Promise((resolve) => setTimeout(resolve, 150));
      ctx.progress('d');
      return { length: 0 };
    });
    await runTool(
      tool,
      { text: 'a' },
      {
        attempt: 3,
        recorder: rec,
        heartbeat: (d) => heartbeats.push(d),
        progressTiming: { heartbeatIntervalMs: 20, recordIntervalMs: 100 },
      },
    );

    expect(rec.started).toHaveBeenCalledOnce();
    expect(rec.started.mock.calls[0]!.slice(0, 2)).toEqual([TEST_STEP, 3]);
    expect(rec.started.mock.calls[0]![2]).toMatch(/^\d{4}-\d\d-\d\dT/);
    // 'b' is superseded within the interval; 'd' comes too soon after 'c' and the attempt's end supersedes it.
    expect(rec.progress.mock.calls.map((call) => call.slice(0, 4))).toEqual([
      [TEST_STEP, 3, 'a', 0.1],
      [TEST_STEP, 3, 'c', 1],
    ]);
    expect(heartbeats.slice(0, 3)).toEqual([
      { message: 'a', fraction: 0.1 },
      { message: 'b', fraction: 0.2 },
      { message: 'c', fraction: 1 },
    ]);
    const automatic = heartbeats.slice(3, -1);
    expect(automatic.length).toBeGreaterThanOrEqual(2);
    for (const details of automatic) expect(details).toEqual({ message: 'c', fraction: 1 });
    expect(heartbeats.at(-1)).toEqual({ message: 'd' });
  });

  describe('for a run begun from a prepared start', () => {
    const claim = { job_id: 'job_test', run_id: 'run_test', started_at: '2031-01-01T00:00:00.000Z', revision: 3 };
    const run = { step_started_at: '2031-01-01T00:00:01.000Z', max_attempts: 3, claim };
    const activity = (rec: StepAttemptRecorder, tool = lengthOf, attempt = 1) =>
      createToolActivities([tool], {
        files: { read: () => Promise.resolve(undefined) },
        blobs: new MemoryBlobStore(),
        recorder: rec,
        attempt: () => ({ attempt, signal: new AbortController().signal, heartbeat: () => undefined, log: undefined }),
      })[tool.tool_id]!;

    it('claims the job before the tool runs, and answers when and what it recorded', async () => {
      const rec = recorder();
      rec.succeeded.mockImplementation(() => Promise.resolve('run'));
      const result = await activity(rec)({ step: TEST_STEP, params: { text: 'abc' }, run });
      expect(rec.claim).toHaveBeenCalledWith(claim);
      expect(rec.succeeded.mock.calls[0]!.slice(0, 3)).toEqual([TEST_STEP, 1, { length: 3 }]);
      expect(rec.succeeded.mock.calls[0]![5]).toEqual(run);
      expect(result).toEqual({
        outputs: { length: 3 },
        attempt: 1,
        ended_at: rec.succeeded.mock.calls[0]![4],
        recorded: 'run',
      });
    });

    it('says nothing was recorded when the record could not be written', async () => {
      const rec = recorder();
      rec.succeeded.mockImplementation(() => Promise.reject(new Error('database is locked')));
      const result = await activity(rec)({ step: TEST_STEP, params: { text: 'abc' }, run });
      expect(result.recorded).toBeUndefined();
      expect(result.ended_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it('runs no tool when the job refuses the claim, and fails for good with JOB_NOT_STARTABLE', async () => {
      const rec = recorder();
      rec.claim.mockImplementation(() =>
        Promise.resolve({ ok: false, code: 'JOB_NOT_STARTABLE', message: "Job 'job_test' is COMPLETED" }),
      );
      const ran = vi.fn(() => Promise.resolve({ length: 0 }));
      const failure = await applicationFailureOf(
        activity(rec, probe(ran))({ step: TEST_STEP, params: { text: 'abc' }, run }),
      );
      expect(failure).toMatchObject({
        type: 'JOB_NOT_STARTABLE',
        message: "Job 'job_test' is COMPLETED",
        nonRetryable: true,
      });
      expect(ran).not.toHaveBeenCalled();
      expect(rec.failed).not.toHaveBeenCalled();
    });

    it("returns a completion an earlier attempt recorded, saying whether that attempt recorded the run's ending, and runs no tool", async () => {
      for (const run_ended of [true, false]) {
        const rec = recorder();
        const earlier = { outputs: { length: 7 }, attempt: 1, completed_at: '2031-01-01T00:00:05.000Z', run_ended };
        rec.started.mockImplementation(() => Promise.resolve(earlier));
        const ran = vi.fn(() => Promise.resolve({ length: 0 }));
        const result = await activity(rec, probe(ran), 2)({ step: TEST_STEP, params: { text: 'abc' }, run });
        expect(result).toEqual({
          outputs: { length: 7 },
          attempt: 1,
          ended_at: '2031-01-01T00:00:05.000Z',
          recorded: run_ended ? 'run' : 'step',
        });
        expect(ran).not.toHaveBeenCalled();
        // The claim still comes first: a run that may no longer have the job takes nothing from it.
        expect(rec.claim).toHaveBeenCalledWith(claim);
        expect(rec.started.mock.calls.map((call) => call.slice(0, 2))).toEqual([[TEST_STEP, 2]]);
        expect(rec.succeeded).not.toHaveBeenCalled();
        expect(rec.failed).not.toHaveBeenCalled();
      }
    });

    it('fails the attempt, to be retried, when the claim cannot be written', async () => {
      const rec = recorder();
      rec.claim.mockImplementation(() => Promise.reject(new Error('database is locked')));
      const failure = await applicationFailureOf(activity(rec)({ step: TEST_STEP, params: { text: 'abc' }, run }));
      expect(failure).toMatchObject({ type: 'TOOL_FAILED', nonRetryable: false });
      expect(failure.message).toContain('database is locked');
    });
  });

  describe('a retry of a step an earlier attempt completed', () => {
    const earlier = { outputs: { length: 7 }, attempt: 1, completed_at: '2031-01-01T00:00:05.000Z', run_ended: false };

    it('returns the recorded outputs, attempt and time of a run started with only its job_id, and runs no tool', async () => {
      const rec = recorder();
      rec.started.mockImplementation(() => Promise.resolve(earlier));
      const ran = vi.fn(() => Promise.resolve({ length: 0 }));
      const info = vi.fn();
      const activity = createToolActivities([probe(ran)], {
        files: { read: () => Promise.resolve(undefined) },
        blobs: new MemoryBlobStore(),
        recorder: rec,
        attempt: () => ({
          attempt: 3,
          signal: new AbortController().signal,
          heartbeat: () => undefined,
          log: undefined,
        }),
        log: { debug: vi.fn(), info, warn: vi.fn(), error: vi.fn() },
      }).probe!;
      expect(await activity({ step: TEST_STEP, params: { text: 'abc' } })).toEqual({
        outputs: { length: 7 },
        attempt: 1,
        ended_at: earlier.completed_at,
      });
      expect(ran).not.toHaveBeenCalled();
      expect(rec.succeeded).not.toHaveBeenCalled();
      expect(info).toHaveBeenCalledWith(
        'Step already completed by an earlier attempt; returning its recorded result',
        expect.objectContaining({ attempt: 3, completed_by_attempt: 1 }),
      );
    });

    it('is checked as its start is recorded, after the parameters are resolved, right before the tool runs', async () => {
      const blobs = new MemoryBlobStore();
      const params = await storeLargeValues({ text: 'x'.repeat(5_000) }, blobs, 1_000);
      const order: string[] = [];
      const rec = recorder();
      rec.started.mockImplementation(() => Promise.resolve(void order.push('started')));
      const get = blobs.get.bind(blobs);
      blobs.get = (sha256) => {
        order.push('resolved');
        return get(sha256);
      };
      const tool = probe(({ text }) => {
        order.push('tool');
        return Promise.resolve({ length: text.length });
      });
      await runTool(tool, params, { attempt: 2, recorder: rec, blobs });
      expect(order).toEqual(['resolved', 'started', 'tool']);
    });

    it('runs the tool when the record cannot be read, as an attempt that cannot record does', async () => {
      const rec = recorder();
      rec.started.mockImplementation(() => Promise.reject(new Error('database is locked')));
      const ran = vi.fn(() => Promise.resolve({ length: 2 }));
      expect(
        await runTool(
          probe(ran),
          { text: 'ab' },
          { attempt: 2, recorder: rec, log: { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() } },
        ),
      ).toEqual({ length: 2 });
      expect(ran).toHaveBeenCalledOnce();
      expect(rec.succeeded.mock.calls[0]!.slice(0, 3)).toEqual([TEST_STEP, 2, { length: 2 }]);
    });
  });

  it('keeps running when the recorder fails, and logs it', async () => {
    const warn = vi.fn();
    const failing: StepAttemptRecorder = {
      started: () => Promise.reject(new Error('database is locked')),
      progress: () => Promise.reject(new Error('database is locked')),
      succeeded: () => Promise.reject(new Error('database is locked')),
      failed: () => Promise.reject(new Error('database is locked')),
      claim: () => Promise.reject(new Error('database is locked')),
    };
    const tool = probe((_, ctx) => {
      ctx.progress('working');
      return Promise.resolve({ length: 1 });
    });
    await expect(
      runTool(tool, { text: 'a' }, { recorder: failing, log: { debug: vi.fn(), info: vi.fn(), warn, error: vi.fn() } }),
    ).resolves.toEqual({ length: 1 });
    expect(warn).toHaveBeenCalledWith(
      'Could not record the attempt start; continuing',
      expect.objectContaining({
        error: 'database is locked',
        job_id: 'job_test',
        step_id: 'step_test',
        attempt: 1,
        correlation_id: 'corr_test',
      }),
    );
  });
});
