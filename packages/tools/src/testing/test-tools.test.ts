import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { applicationFailureOf } from '@ordo/testing';
import { fail } from './fail';
import { flaky } from './flaky';
import { noop } from './noop';
import { runTool } from './run-tool';
import { sleep } from './sleep';
import { readTallyLedger, tally } from './tally';

describe('noop', () => {
  it('echoes its value, null when absent', async () => {
    expect(await runTool(noop, { value: { a: [1, 'two'] } })).toEqual({ value: { a: [1, 'two'] } });
    expect(await runTool(noop, {})).toEqual({ value: null });
  });
});

describe('sleep', () => {
  it('waits and reports progress', async () => {
    const heartbeats: unknown[] = [];
    const outputs = await runTool(sleep, { ms: 1_100 }, { heartbeat: (d) => heartbeats.push(d) });
    expect(outputs.slept_ms).toBeGreaterThanOrEqual(1_100);
    expect(heartbeats).toContainEqual({ message: 'Slept 1 of 2 s', fraction: expect.closeTo(0.9, 1) as number });
    expect(heartbeats.at(-1)).toEqual({ message: 'Slept 1 of 2 s', fraction: 1 });
  });

  it('stops promptly when cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new CancelledFailure('CANCELLED')), 100);
    const started = Date.now();
    const err = await runTool(sleep, { ms: 60_000 }, { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses more than ten minutes', async () => {
    const failure = await applicationFailureOf(runTool(sleep, { ms: 600_001 }));
    expect([failure.type, failure.message]).toEqual([
      'INVALID_PARAMETERS',
      'ms: Too big: expected number to be <=600000',
    ]);
  });
});

describe('flaky', () => {
  it('fails retryably while the attempt is at most `failures`, then returns the attempt and value', async () => {
    for (const attempt of [1, 2]) {
      const failure = await applicationFailureOf(runTool(flaky, { failures: 2, value: 'v' }, { attempt }));
      expect([failure.type, failure.nonRetryable, failure.message]).toEqual([
        'DELIBERATE_FAILURE',
        false,
        `flaky: attempt ${attempt} of 3`,
      ]);
    }
    expect(await runTool(flaky, { failures: 2, value: 'v' }, { attempt: 3 })).toEqual({ attempt: 3, value: 'v' });
    expect(await runTool(flaky, { failures: 0 })).toEqual({ attempt: 1, value: null });
  });

  it('works for delay_ms first, and stops when cancelled during it', async () => {
    const started = Date.now();
    await runTool(flaky, { failures: 0, delay_ms: 150 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await runTool(flaky, { failures: 1, delay_ms: 60_000 }, { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CancelledFailure);
  });
});

describe('fail', () => {
  it('fails with the chosen code and message, non-retryably by default', async () => {
    const failure = await applicationFailureOf(runTool(fail, { code: 'PDF_INVALID', message: 'chosen failure' }));
    expect([failure.type, failure.nonRetryable, failure.message]).toEqual(['PDF_INVALID', true, 'chosen failure']);
    const retryable = await applicationFailureOf(
      runTool(fail, { code: 'NETWORK_ERROR', message: 'try again', retryable: true }),
    );
    expect([retryable.type, retryable.nonRetryable]).toEqual(['NETWORK_ERROR', false]);
  });

  it('refuses a code that is not a ToolErrorCode', async () => {
    const failure = await applicationFailureOf(runTool(fail, { code: 'NOPE', message: 'x' }));
    expect(failure.type).toBe('INVALID_PARAMETERS');
    expect(failure.message).toMatch(/^code: Invalid option/);
  });
});

describe('tally', () => {
  it('appends one ledger line per completed execution, naming its step and attempt, and none for a cancelled one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ordo-tally-'));
    try {
      const testLedgerPath = join(dir, 'test-ledger.jsonl');
      expect(await runTool(tally, { value: 'v' }, { testLedgerPath })).toEqual({ value: 'v' });
      expect(await runTool(tally, { ms: 10 }, { testLedgerPath, attempt: 2 })).toEqual({ value: null });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 20);
      expect(
        await runTool(tally, { ms: 60_000 }, { testLedgerPath, signal: controller.signal }).catch((e: unknown) => e),
      ).toBeInstanceOf(CancelledFailure);
      const lines = await readTallyLedger(testLedgerPath);
      expect(
        lines.map(({ job_id, run_id, step_id, step_index, attempt }) => ({
          job_id,
          run_id,
          step_id,
          step_index,
          attempt,
        })),
      ).toEqual([
        { job_id: 'job_test', run_id: 'run_test', step_id: 'step_test', step_index: 0, attempt: 1 },
        { job_id: 'job_test', run_id: 'run_test', step_id: 'step_test', step_index: 0, attempt: 2 },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('counts nothing without a ledger', async () => {
    expect(await runTool(tally, { value: 1 })).toEqual({ value: 1 });
    expect(await readTallyLedger(join(tmpdir(), 'ordo-no-such-ledger', 'test-ledger.jsonl'))).toEqual([]);
  });
});
