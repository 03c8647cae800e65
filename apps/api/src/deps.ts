import type { Client } from '@temporalio/client';
import type { ToolDescriptor } from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';
import type { ApiAuth } from './auth';

/** What the API needs from the outside world; tests pass real ones built for the test. */
export interface AppDeps {
  store: OrdoStore;
  temporal: { client: Client; taskQueue: string };
  tools: readonly ToolDescriptor[];
  maxUploadBytes: number;
  /** The cap on JSON request bodies (bytes); 1 MiB by default. */
  maxJsonBytes?: number;
  /** The clock for timestamps; tests may pin it. */
  now?: () => Date;
  /** Accepted API keys, or `off`. Without it no key is accepted: every route but the open ones answers 401. */
  auth?: ApiAuth;
  /** Host names served besides localhost, 127.0.0.1 and [::1] (any port); `*` serves any. */
  allowedHosts?: readonly string[];
  /**
   * How long a request holding an Idempotency-Key may run before the key counts as abandoned
   * (its process died) and a retry runs: 2 minutes by default; tests shorten it.
   */
  idempotencyLeaseMs?: number;
}
