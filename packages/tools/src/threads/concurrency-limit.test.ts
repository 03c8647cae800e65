import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from './concurrency-limit';

const never = new AbortController().signal;

describe('ConcurrencyLimit', () => {
  it('grants places up to its limit, then in arrival order as places are given back', async () => {
    const limit = new ConcurrencyLimit(2);
    const order: string[] = [];
    const a = await limit.acquire(never);
    const b = await limit.acquire(never);
    const waits: string[] = [];
    const c = limit.acquire(never, () => waits.push('c')).then((release) => (order.push('c'), release));
    const d = limit.acquire(never, () => waits.push('d')).then((release) => (order.push('d'), release));
    expect([limit.active, waits]).toEqual([2, ['c', 'd']]);
    b();
    b(); // giving a place back twice frees it once
    const releaseC = await c;
    expect(order).toEqual(['c']);
    a();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    releaseD();
    expect(limit.active).toBe(0);
  });

  it('drops a waiter whose signal aborts, with the signal reason, and keeps the place for the next', async () => {
    const limit = new ConcurrencyLimit(1);
    const held = await limit.acquire(never);
    const controller = new AbortController();
    const abandoned = limit.acquire(controller.signal);
    const next = limit.acquire(never);
    controller.abort(new Error('cancelled'));
    await expect(abandoned).rejects.toThrow('cancelled');
    held();
    (await next)();
    expect(limit.active).toBe(0);
    await expect(limit.acquire(controller.signal)).rejects.toThrow('cancelled');
  });

  it('refuses a limit below one', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
  });
});
