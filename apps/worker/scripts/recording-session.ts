/**
 * The throw-away Temporal dev server, store and worker the recordings run on, and the choice
 * of which constructs to record: everything a recorded scenario shares.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { ORDO_SEARCH_ATTRIBUTES } from '@ordo/core';
import { openStore } from '@ordo/storage';
import { TEST_TOOLS, TOOLS } from '@ordo/tools';
import { createWorker } from '../src/index';

const here = dirname(fileURLToPath(import.meta.url));
/** Where the replay test reads the histories from: one `<name>.json` per construct. */
export const historiesDir = join(here, '..', 'test', 'histories');
const repoRoot = join(here, '..', '..', '..');

/** What the scenarios record with, opened once for the whole run by {@link openRecordingSession}. */
export interface RecordingSession {
  /** The Temporal CLI binary: scenarios needing other server settings start a dev server of their own with it. */
  readonly cli: string;
  readonly env: TestWorkflowEnvironment;
  readonly client: Client;
  readonly store: Awaited<ReturnType<typeof openStore>>;
  /** The worker polling {@link RecordingSession.taskQueue}; the entry runs the scenarios inside it. */
  readonly worker: Worker;
  readonly taskQueue: string;
  /** Runs that no worker picks up until they are cancelled. */
  readonly lateQueue: string;
  /** Every tool, the test ones included, as the worker and the prepared starts see them. */
  readonly tools: typeof TOOLS;
  /** Whether to record a construct: named on the command line, or else not recorded yet. */
  readonly wanted: (name: string) => boolean;
  /** Closes the store, stops the dev server and removes the data folder. */
  readonly close: () => Promise<void>;
}

/**
 * Starts the dev server, store and worker, in the order the script always has, and decides
 * which constructs `named` (the command line's names) selects.
 */
export async function openRecordingSession(named: readonly string[]): Promise<RecordingSession> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cli = execFileSync('bash', [join(repoRoot, 'infra', 'install-temporal.sh'), 'cli'], {
    encoding: 'utf8',
  }).trim();
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: cli }, searchAttributes: [...ORDO_SEARCH_ATTRIBUTES] },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-record-'));
  const store = await openStore({ dataDir });
  const taskQueue = 'record-histories';
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    store,
    tools: [...TOOLS, ...TEST_TOOLS],
  });
  return {
    cli,
    env,
    client: env.client,
    store,
    worker,
    taskQueue,
    lateQueue: `${taskQueue}-late`,
    tools: [...TOOLS, ...TEST_TOOLS],
    // A file once recorded holds what runs in flight did: only a name given re-records it.
    wanted: (name) => (named.length > 0 ? named.includes(name) : !existsSync(join(historiesDir, `${name}.json`))),
    close: async () => {
      await store.close();
      await env.teardown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
