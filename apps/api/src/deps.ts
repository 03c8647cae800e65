import type { Client } from '@temporalio/client';
import type { UrlSigner } from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';
import type { ApiAuth } from './auth';

/** What the API needs from the outside world; tests pass real ones built for the test. */
export interface AppDeps {
  store: OrdoStore;
  temporal: { client: Client; taskQueue: string };
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
   * How long an Idempotency-Key stays held by a request that stopped renewing its lease (its
   * process died) before a retry runs: 10 s by default. A running request renews it every
   * 3 s (a third of a shorter lease), so a slow request keeps its key however long it runs.
   */
  idempotencyLeaseMs?: number;
  /**
   * Checks signed URLs (`ORDO_URL_SIGNING_KEY`): a file's content, a stored value or an upload
   * for one job, opened without an API key. Without it, every signed URL is refused.
   */
  urlSigner?: UrlSigner;
  /**
   * The event streams (`GET /v1/jobs/{job_id}/events`, `GET /v1/events`): how many one API key
   * may hold open (16 by default; 429 past it), how often the shared reader reads the event
   * log (150 ms), and how often an idle stream sends a keep-alive comment (15 s).
   */
  eventStreams?: { maxPerKey?: number; pollMs?: number; keepAliveMs?: number };
  /** The Temporal Web UI each job's `links.temporal_ui` points into; the dev server's (`http://localhost:8233`) by default. */
  temporalUiUrl?: string;
}
