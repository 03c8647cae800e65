import { describe, expect, it } from 'vitest';
import { recentPollers, WORKER_POLL_WINDOW_MS, workerPolls } from './worker-check';

const at = (ms: number) => ({ lastAccessTime: { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 } });

describe('workerPolls', () => {
  const now = 1_800_000_000_000;

  it('needs a recent poller of both the workflow and the activity task queue', () => {
    expect(workerPolls([at(now - 1000)], [at(now - 59_000)], now)).toBe(true);
    expect(workerPolls([at(now - 1000)], [], now)).toBe(false);
    expect(workerPolls([], [at(now - 1000)], now)).toBe(false);
  });

  it('counts a poller seen within the window, not one seen before it', () => {
    expect(workerPolls([at(now - WORKER_POLL_WINDOW_MS)], [at(now)], now)).toBe(true);
    expect(workerPolls([at(now - WORKER_POLL_WINDOW_MS - 1000)], [at(now)], now)).toBe(false);
    // Any recent one among stale ones will do; one without a time never does.
    expect(workerPolls([at(now - 300_000), at(now - 2000)], [{ lastAccessTime: null }, at(now)], now)).toBe(true);
    expect(workerPolls([{}], [at(now)], now)).toBe(false);
  });

  it('reads seconds as a number or a protobuf Long as well as a string', () => {
    const long = { toNumber: () => Math.floor(now / 1000) };
    expect(
      workerPolls(
        [{ lastAccessTime: { seconds: now / 1000 } }],
        [{ lastAccessTime: { seconds: long, nanos: 0 } }],
        now,
      ),
    ).toBe(true);
  });
});

describe('recentPollers', () => {
  const now = 1_800_000_000_000;

  it('lists the pollers seen within the window, most recent first, with their identity and time', () => {
    expect(
      recentPollers(
        [
          { identity: 'old@host', ...at(now - WORKER_POLL_WINDOW_MS - 1000) },
          { identity: 'a@host', ...at(now - 30_000) },
          { identity: 'b@host', ...at(now - 1000) },
          { identity: null, lastAccessTime: null },
        ],
        now,
      ),
    ).toEqual([
      { identity: 'b@host', last_access_time: new Date(now - 1000).toISOString() },
      { identity: 'a@host', last_access_time: new Date(now - 30_000).toISOString() },
    ]);
  });
});
