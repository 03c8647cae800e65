import { afterEach, beforeEach, expect, it } from 'vitest';
import { forEachDialect, testStoreConfig, type TestStoreConfig } from '@ordo/testing';
import { openStore, type IdempotencyRequest, type OrdoStore } from '../src/index';

const HOUR = 3600_000;
const T0 = new Date(Date.UTC(2031, 0, 1));
const at = (ms: number) => new Date(T0.getTime() + ms);

forEachDialect('idempotency keys', (dialect) => {
  let target: TestStoreConfig;
  let store: OrdoStore;

  beforeEach(async () => {
    target = await testStoreConfig(dialect, 'idem');
    store = await openStore(target.config);
  });
  afterEach(async () => {
    await store.close();
    await target.remove();
  });

  const request = (patch: Partial<IdempotencyRequest> = {}): IdempotencyRequest => ({
    principal: 'p1',
    key: 'key-1',
    request_hash: 'hash-a',
    now: T0,
    ttl_ms: 24 * HOUR,
    lease_ms: 60_000,
    ...patch,
  });
  const response = {
    status: 201,
    headers: { 'content-type': 'application/json', location: '/v1/jobs/job_1' },
    body: '{"job_id":"job_1"}',
  };

  it('lets the first use run, refuses a concurrent one, then replays the stored response', async () => {
    const first = await store.idempotency.begin(request());
    expect(first.outcome).toBe('proceed');
    expect(await store.idempotency.begin(request({ now: at(1000) }))).toEqual({ outcome: 'in_flight' });
    if (first.outcome !== 'proceed') throw new Error('unreachable');
    expect(await store.idempotency.complete('p1', 'key-1', first.token, response)).toBe(true);
    expect(await store.idempotency.begin(request({ now: at(2000) }))).toEqual({
      outcome: 'replay',
      response,
      created_at: T0.toISOString(),
    });
    // Across a reopening (an API restart) too.
    await store.close();
    store = await openStore(target.config);
    expect(await store.idempotency.begin(request({ now: at(HOUR) }))).toMatchObject({ outcome: 'replay', response });
  });

  it('refuses the key with another request, and scopes keys to their principal', async () => {
    const first = await store.idempotency.begin(request());
    if (first.outcome !== 'proceed') throw new Error(first.outcome);
    await store.idempotency.complete('p1', 'key-1', first.token, response);
    expect(await store.idempotency.begin(request({ request_hash: 'hash-b' }))).toEqual({ outcome: 'mismatch' });
    expect((await store.idempotency.begin(request({ principal: 'p2', request_hash: 'hash-b' }))).outcome).toBe(
      'proceed',
    );
  });

  it('frees a released key (a 5xx) and an expired one, and purges expired keys', async () => {
    const first = await store.idempotency.begin(request());
    if (first.outcome !== 'proceed') throw new Error(first.outcome);
    await store.idempotency.release('p1', 'key-1', first.token);
    const second = await store.idempotency.begin(request({ request_hash: 'hash-b' }));
    if (second.outcome !== 'proceed') throw new Error(second.outcome);
    await store.idempotency.complete('p1', 'key-1', second.token, response);
    // 24 hours on, the key is new again, whatever it was used for.
    expect((await store.idempotency.begin(request({ request_hash: 'hash-c', now: at(24 * HOUR) }))).outcome).toBe(
      'proceed',
    );
    await store.idempotency.begin(request({ key: 'key-2' }));
    expect(await store.idempotency.purgeExpired(at(24 * HOUR + 1))).toBe(1);
    expect(await store.idempotency.purgeExpired(at(48 * HOUR))).toBe(1);
  });

  it('hands an abandoned in-flight key to the next request, and ignores the late completion of the old one', async () => {
    const first = await store.idempotency.begin(request());
    if (first.outcome !== 'proceed') throw new Error(first.outcome);
    expect(await store.idempotency.begin(request({ now: at(59_000) }))).toEqual({ outcome: 'in_flight' });
    const second = await store.idempotency.begin(request({ now: at(61_000) }));
    expect(second.outcome).toBe('proceed');
    expect(await store.idempotency.complete('p1', 'key-1', first.token, { ...response, body: 'late' })).toBe(false);
    if (second.outcome !== 'proceed') throw new Error(second.outcome);
    expect(await store.idempotency.complete('p1', 'key-1', second.token, response)).toBe(true);
    expect(await store.idempotency.begin(request({ now: at(62_000) }))).toMatchObject({ outcome: 'replay', response });
  });

  it('keeps a renewed key in flight past its first lease, and lets only the holder renew', async () => {
    const first = await store.idempotency.begin(request());
    if (first.outcome !== 'proceed') throw new Error(first.outcome);
    expect(await store.idempotency.renew('p1', 'key-1', first.token, at(120_000))).toBe(true);
    expect(await store.idempotency.renew('p1', 'key-1', 'another-token', at(600_000))).toBe(false);
    expect(await store.idempotency.begin(request({ now: at(90_000) }))).toEqual({ outcome: 'in_flight' });
    // Not renewed again: once the renewed lease has passed, a retry takes the key over, and the old holder can renew no more.
    const second = await store.idempotency.begin(request({ now: at(121_000) }));
    expect(second.outcome).toBe('proceed');
    expect(await store.idempotency.renew('p1', 'key-1', first.token, at(200_000))).toBe(false);
    if (second.outcome !== 'proceed') throw new Error(second.outcome);
    expect(await store.idempotency.complete('p1', 'key-1', second.token, response)).toBe(true);
    // A completed key is no longer renewed: its response is kept as stored.
    expect(await store.idempotency.renew('p1', 'key-1', second.token, at(300_000))).toBe(false);
    expect(await store.idempotency.begin(request({ now: at(122_000) }))).toMatchObject({ outcome: 'replay', response });
  });

  it('lets exactly one of many concurrent first uses, from two stores on one database, run', async () => {
    const other = await openStore(target.config);
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? store : other).idempotency.begin(request())),
      );
      expect(outcomes.filter((o) => o.outcome === 'proceed')).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome === 'in_flight')).toHaveLength(7);
    } finally {
      await other.close();
    }
  });
});
