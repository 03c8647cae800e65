import type { Client } from '@temporalio/client';
import type { ToolDescriptor } from '@ordo/core';
import type { OrdoStore } from '@ordo/storage';

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
}
