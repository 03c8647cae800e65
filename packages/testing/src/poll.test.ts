import { describe, expect, it } from 'vitest';
import { pollUntil } from './poll';

describe('pollUntil', () => {
  it('returns the first value that satisfies the condition', async () => {
    let n = 0;
    expect(
      await pollUntil(
        () => Promise.resolve(++n),
        (v) => v >= 3,
        { intervalMs: 1 },
      ),
    ).toBe(3);
  });

  it('fails with the last value seen when time runs out', async () => {
    await expect(
      pollUntil(
        () => Promise.resolve({ status: 'RUNNING' }),
        () => false,
        { timeoutMs: 20, intervalMs: 5 },
      ),
    ).rejects.toThrow(/condition not met within 20 ms; last value: \{"status":"RUNNING"\}/);
  });
});
