import { createRequire } from 'node:module';
import { log } from '@temporalio/activity';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import {
  createSchemaCheck,
  createToolActivities,
  describeTool,
  TOOLS,
  type HttpToolConfig,
  type ToolDefinition,
  type ToolThreads,
} from '@ordo/tools';
import { DEFAULT_INLINE_VALUE_LIMIT_BYTES, type UrlSigner } from '@ordo/core';
import { registerBuiltinTools, type OrdoStore } from '@ordo/storage';
import { waitingOutDatabaseOutage } from './database-outage-wait';
import { createExternalToolActivities } from './external-tool-activities';
import { recordedToolActivities } from './recorded-tool-activities';
import { createExternalToolInput, type ExternalToolInput } from './external-tool-input';
import { createRunStoreActivities } from './run-store-activities';
import { createStepAttemptRecorder } from './step-attempt-recorder';

/** The module holding every workflow this worker runs; Temporal bundles it for its sandbox. */
export const workflowsPath = createRequire(import.meta.url).resolve('@ordo/core/workflows');

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  store: OrdoStore;
  /** The tools this worker offers; the production catalog by default. Tests add the test tools. */
  tools?: readonly ToolDefinition[];
  /** Outbound HTTP for `http_request`: the allowed hosts (none by default). */
  http?: HttpToolConfig;
  /** Where the `tally` test tool counts its completed executions (the worker's data folder when it has the test tools). */
  testLedgerPath?: string;
  /** Values over this many bytes travel by reference (default 256 KiB). */
  inlineLimitBytes?: number;
  /** Workflow executions kept in the worker's cache; the SDK's default (from the process's memory) when unset. */
  maxCachedWorkflows?: number;
  /** Where heavy tools run; without it, one `ToolThreads` shared by the process, one thread per core. */
  threads?: ToolThreads;
  /** A prebuilt bundle (tests build one per run); without it the worker bundles `workflowsPath`. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * Signs external tools' file, value and upload URLs (`ORDO_URL_SIGNING_KEY` under
   * `ORDO_PUBLIC_URL`); without it an external tool's parameters that need one cannot be prepared.
   */
  urlSigner?: UrlSigner;
  /** How external tools' parameters are prepared; by default from the store's blobs and `urlSigner` ({@link externalToolInputOf}). */
  externalToolInput?: ExternalToolInput;
}

/**
 * What the dispatch of an external tool's step prepares its parameters with (files and large
 * values made readable over HTTP, upload URLs filled): `options.externalToolInput`, or one over
 * the store's blob store and `options.urlSigner`.
 */
export function externalToolInputOf(
  options: Pick<CreateWorkerOptions, 'store' | 'urlSigner' | 'externalToolInput'>,
): ExternalToolInput {
  return (
    options.externalToolInput ?? createExternalToolInput({ blobs: options.store.blobs, signer: options.urlSigner })
  );
}

/**
 * How long a workflow task may wait on this worker's sticky queue (where the server sends the
 * tasks of the workflows it caches) before the server hands it to any worker with the whole
 * history. When a worker dies without shutting down (SIGKILL, a lost machine), the server
 * goes on sending its workflows' tasks there for about 10 s after its last poll, and each one
 * waits this long: the SDK's default of 10 s (Go's and Java's is 5 s) left a job idle for
 * 10 s after its step had already completed on a live worker, and a resume sent to it
 * unanswered past the API's 10 s deadline. The cost of a shorter wait is a busy but live
 * worker losing the task to another that replays the history: a cache miss, not a failure.
 * A worker that shuts down gracefully tells the server, and its tasks move at once.
 */
export const STICKY_QUEUE_SCHEDULE_TO_START_TIMEOUT = '5 seconds';

/**
 * A worker that runs the job workflow and, on the same task queue, every tool as an
 * activity named by its `tool_id` (its step recorded around it: `recordedToolActivities`),
 * plus the run store's local activities. Its tools are registered in the catalog first
 * (`registerBuiltinTools`): a version stored with another contract stops the start.
 */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const tools = options.tools ?? TOOLS;
  const { servedElsewhere } = await registerBuiltinTools(options.store, tools.map(describeTool), options.taskQueue);
  const recorder = createStepAttemptRecorder(options.store);
  if (servedElsewhere.length > 0)
    console.warn(`Ordo worker: the catalog names another task queue for ${servedElsewhere.join(', ')}`);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }),
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_SCHEDULE_TO_START_TIMEOUT,
    // Tools heartbeat their progress; heartbeats are not history events, so this costs no history.
    defaultHeartbeatThrottleInterval: '1 second',
    maxHeartbeatThrottleInterval: '2 seconds',
    activities: {
      // Each tool's step is recorded around its activity, in the same activity.
      ...recordedToolActivities(
        createToolActivities(tools, {
          // A tool reads its file whatever the database's state: it waits out an outage.
          files: { read: (fileId) => waitingOutDatabaseOutage('read a file', () => options.store.files.read(fileId)) },
          blobs: options.store.blobs,
          ...(options.inlineLimitBytes !== undefined && { inlineLimitBytes: options.inlineLimitBytes }),
          ...(options.http !== undefined && { http: options.http }),
          ...(options.testLedgerPath !== undefined && { testLedgerPath: options.testLedgerPath }),
          ...(options.threads !== undefined && { threads: options.threads }),
        }),
        recorder,
      ),
      // Around the steps of tools other workers serve: their parameters, results and progress.
      ...createExternalToolActivities({
        store: options.store,
        connection: options.connection,
        namespace: options.namespace,
        recorder,
        checkSchema: createSchemaCheck(),
        prepare: externalToolInputOf(options),
        inlineLimitBytes: options.inlineLimitBytes ?? DEFAULT_INLINE_VALUE_LIMIT_BYTES,
      }),
      ...createRunStoreActivities(options.store, new Set(tools.map((tool) => tool.tool_id))),
      // v1 runs (started before the run-state design) persist through this; their job rows no
      // longer have the columns it wrote, so it only lets such a run finish.
      recordJobState: (update: { job_id: string; status: string }) => {
        log.warn('A v1 job run reported its state; v1 state is no longer stored', {
          job_id: update.job_id,
          status: update.status,
        });
        return Promise.resolve();
      },
    },
  });
}
