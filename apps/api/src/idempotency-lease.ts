import type { OrdoStore } from '@ordo/storage';

/**
 * How long an `Idempotency-Key` stays held by a request that stopped renewing its lease (its
 * API process died, or froze) before a retry takes the key over: a retry after a crash runs
 * about this long after it, whatever the route.
 */
export const IDEMPOTENCY_LEASE_MS = 10_000;
/**
 * How often a running request renews its lease, so a slow one (a cancel waits 15 s for the
 * run, then terminates it) keeps its key as long as it runs. Three renewals fit in a lease, so
 * one late or failed renewal does not lose the key; a shorter lease is renewed at a third of itself.
 */
export const IDEMPOTENCY_LEASE_RENEW_MS = 3_000;

/** How often a lease of `leaseMs` is renewed. */
export function leaseRenewalMs(leaseMs: number): number {
  return Math.max(1, Math.min(IDEMPOTENCY_LEASE_RENEW_MS, Math.floor(leaseMs / 3)));
}

/** The key a request holds, and its token: only the holder can renew or complete it. */
export interface HeldKey {
  principal: string;
  key: string;
  token: string;
}

/**
 * Renews the lease on `held` every {@link leaseRenewalMs} until the returned function is
 * called (the request completed), each renewal fenced by the token. Most requests end before
 * the first renewal, so they write nothing more. A renewal that fails (the database is down)
 * is tried again at the next tick; one that finds the key no longer held stops: the lease ran
 * out meanwhile (the database down longer than it, the process frozen) and a retry took the
 * key over. That retry still answers the same job, which names its key for good.
 */
export function renewWhileRunning(store: OrdoStore, held: HeldKey, leaseMs: number, now: () => Date): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    timer = setTimeout(() => {
      void store.idempotency.renew(held.principal, held.key, held.token, new Date(now().getTime() + leaseMs)).then(
        (holding) => {
          if (!holding && !stopped)
            console.warn(
              `Idempotency-Key lease lost while its request ran (taken over after ${leaseMs} ms without a renewal)`,
            );
          if (holding && !stopped) schedule();
        },
        () => {
          if (!stopped) schedule();
        },
      );
    }, leaseRenewalMs(leaseMs));
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
