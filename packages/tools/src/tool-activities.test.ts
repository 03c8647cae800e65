import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { describe, expect, it, vi } from 'vitest';
import { isValueRef, resolveValueRecord, storeLargeValues } from '@ordo/core';
import { applicationFailureOf } from '@ordo/testing';
import { temporalActivityAttempt } from '@ordo/tool-kit/host';
import type { ConfigurableTool } from './configurable-tool';
import { probe } from './testing/probe-tool';
import { MemoryBlobStore, runTool, TEST_STEP } from './testing/run-tool';
import { createToolActivities } from './tool-activities';
import { ToolError } from './tool-error';

const lengthOf = probe(({ text }) => Promise.resolve({ length: text.length }));

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

describe('parameters', () => {
  it('refuses missing and mistyped parameters non-retryably, naming each parameter and rule', async () => {
    const missing = await applicationFailureOf(runTool(lengthOf, {}));
    expect([missing.type, missing.nonRetryable, missing.message]).toEqual([
      'INVALID_PARAMETERS',
      true,
      'text: is required',
    ]);

    const wrong = await applicationFailureOf(runTool(lengthOf, { text: 3, level: 'medium' }));
    expect(wrong.type).toBe('INVALID_PARAMETERS');
    expect(wrong.message).toMatch(/^text: .*expected string.*; level: .*"short"\|"long"/);
  });

  it('applies defaults before the tool runs', async () => {
    const seen = vi.fn((params: { level: string }) => Promise.resolve({ length: params.level.length }));
    await expect(runTool(probe(seen), { text: 'abc' })).resolves.toEqual({ length: 5 });
    expect(seen.mock.calls[0]![0]).toEqual({ text: 'abc', level: 'short' });
  });

  it('resolves a stored value before the tool runs', async () => {
    const blobs = new MemoryBlobStore();
    const { text: ref } = await storeOne(blobs, 'x'.repeat(5_000));
    expect(isValueRef(ref)).toBe(true);
    await expect(runTool(lengthOf, { text: ref }, { blobs })).resolves.toEqual({ length: 5_000 });
  });

  it('fails non-retryably with VALUE_MISSING when a stored value is gone', async () => {
    const { text: ref } = await storeOne(new MemoryBlobStore(), 'x'.repeat(5_000));
    const failure = await applicationFailureOf(runTool(lengthOf, { text: ref }, { blobs: new MemoryBlobStore() }));
    expect([failure.type, failure.nonRetryable]).toEqual(['VALUE_MISSING', true]);
    expect(failure.message).toMatch(/^stored value blob:sha256:[0-9a-f]{64} \(5002 bytes\) is missing/);
  });
});

describe('outputs', () => {
  it('reports outputs that break the tool’s own schema as a non-retryable INVALID_OUTPUT naming tool and field', async () => {
    const buggy = probe(() => Promise.resolve({ length: 'long' }));
    const failure = await applicationFailureOf(runTool(buggy, { text: 'a' }));
    expect([failure.type, failure.nonRetryable]).toEqual(['INVALID_OUTPUT', true]);
    expect(failure.message).toMatch(
      /^Tool 'probe' returned invalid outputs \(a bug in the tool\): length: .*expected number/,
    );

    const forgetful = probe(() => Promise.resolve({}));
    expect((await applicationFailureOf(runTool(forgetful, { text: 'a' }))).message).toMatch(/: length: is required$/);
  });

  it('stores an output over the inline limit by reference, and keeps small ones inline', async () => {
    const blobs = new MemoryBlobStore();
    const echo = probe(({ text }) => Promise.resolve({ length: text.length, text }));
    const big = 'y'.repeat(2_000);
    const outputs = await runTool(echo, { text: big }, { blobs, inlineLimitBytes: 1_000 });
    expect(outputs.length).toBe(2_000);
    expect(outputs.text).toMatchObject({ $ref: expect.stringMatching(/^blob:sha256:/), size: 2_002, type: 'string' });
    expect(await resolveValueRecord(outputs, blobs)).toEqual({ length: 2_000, text: big });

    const small = await runTool(echo, { text: 'tiny' }, { blobs, inlineLimitBytes: 1_000 });
    expect(small).toEqual({ length: 4, text: 'tiny' });
  });
});

describe('failures', () => {
  it('turns a ToolError into an ApplicationFailure of its code, non-retryable unless it says otherwise', async () => {
    const cause = new Error('disk said no');
    const permanent = probe(() => Promise.reject(new ToolError('PDF_INVALID', 'not a PDF', { cause })));
    const failure = await applicationFailureOf(runTool(permanent, { text: 'a' }));
    expect([failure.type, failure.nonRetryable, failure.message, failure.cause?.message]).toEqual([
      'PDF_INVALID',
      true,
      'not a PDF',
      'disk said no',
    ]);

    const transient = probe(() => Promise.reject(new ToolError('HTTP_SERVER_ERROR', 'HTTP 503', { retryable: true })));
    const retried = await applicationFailureOf(runTool(transient, { text: 'a' }));
    expect([retried.type, retried.nonRetryable]).toEqual(['HTTP_SERVER_ERROR', false]);
  });

  it('reports an unexpected exception as a retryable TOOL_FAILED naming the tool', async () => {
    const crashing = probe(() => Promise.reject(new Error('database is locked')));
    const failure = await applicationFailureOf(runTool(crashing, { text: 'a' }));
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
      'TOOL_FAILED',
      false,
      "Tool 'probe' failed: database is locked",
    ]);
    expect(failure.cause?.message).toBe('database is locked');

    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a tool may reject with anything
    const throwingString = probe(() => Promise.reject('boom'));
    expect((await applicationFailureOf(runTool(throwingString, { text: 'a' }))).message).toBe(
      "Tool 'probe' failed: boom",
    );
  });

  it("passes Temporal's own failures through untouched", async () => {
    const cancelled = new CancelledFailure('CANCELLED');
    const tool = probe(() => Promise.reject(cancelled));
    expect(await rejectionOf(runTool(tool, { text: 'a' }))).toBe(cancelled);
  });

  it('reports a cancellation, whatever the tool threw, once the signal has fired', async () => {
    const controller = new AbortController();
    const tool = probe((_, { signal }) => {
      controller.abort(new CancelledFailure('CANCELLED'));
      signal.throwIfAborted();
      return Promise.resolve({ length: 0 });
    });
    const err = await rejectionOf(runTool(tool, { text: 'a' }, { signal: controller.signal }));
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(err).not.toBeInstanceOf(ApplicationFailure);

    const plain = new AbortController();
    const other = probe(() => {
      plain.abort();
      return Promise.reject(new Error('aborted midway'));
    });
    expect(await rejectionOf(runTool(other, { text: 'a' }, { signal: plain.signal }))).toBeInstanceOf(CancelledFailure);
  });
});

describe('attempts and progress', () => {
  it('runs outside a Temporal activity as attempt 1 with a signal that never fires', () => {
    const attempt = temporalActivityAttempt();
    expect([attempt.attempt, attempt.signal.aborted, attempt.log]).toEqual([1, false, undefined]);
    expect(() => attempt.heartbeat({ message: 'x' })).not.toThrow();
  });
});

describe('createToolActivities', () => {
  const deps = { files: { read: () => Promise.resolve(undefined) }, blobs: new MemoryBlobStore() };

  it('registers each tool under its tool_id and refuses two tools with one id', () => {
    expect(Object.keys(createToolActivities([lengthOf], deps))).toEqual(['probe']);
    expect(() => createToolActivities([lengthOf, lengthOf], deps)).toThrow("Two tools have the tool_id 'probe'");
  });

  it("hands the worker's settings to a configurable tool", async () => {
    const configured = vi.fn((settings: { http?: { allowedHosts: readonly string[] } }) =>
      probe(() => Promise.resolve({ length: settings.http?.allowedHosts.length ?? -1 })),
    );
    const tool: ConfigurableTool = { ...probe(() => Promise.resolve({ length: -1 })), configure: configured };
    const activities = createToolActivities([tool], { ...deps, http: { allowedHosts: ['a.example', 'b.example'] } });
    await expect(activities.probe!({ step: TEST_STEP, params: { text: 'x' } })).resolves.toEqual({
      outputs: { length: 2 },
      attempt: 1,
    });
  });
});

async function storeOne(blobs: MemoryBlobStore, text: string) {
  const { text: ref } = await storeLargeValues({ text }, blobs, 1_000);
  return { text: ref! };
}
