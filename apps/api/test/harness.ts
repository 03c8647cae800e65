import { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { expect } from 'vitest';
import { Job } from '@ordo/core';
import { openStore, registerBuiltinTools, type OrdoStore, type StoreConfig } from '@ordo/storage';
import {
  connectWorker,
  pollUntil,
  startOrdoProcess,
  temporalAddress,
  temporalNamespace,
  TEST_API_KEY,
  testStoreConfig,
  uniqueTaskQueue,
  withApiKey,
  workflowBundle,
  type OrdoProcess,
  type TestDialect,
} from '@ordo/testing';
import { describeTool, tallyLedgerPath, TEST_TOOLS, TOOLS, type ToolDefinition } from '@ordo/tools';
import { createWorker } from '@ordo/worker';
import { createApp, LazyNativeConnection, type AppDeps, type OrdoApp } from '../src/index';
import { checkedApp, fetchChecked } from './openapi-check';

export { checkedApp, fetchChecked } from './openapi-check';

/**
 * A real stack for API tests: a fresh store, the run's Temporal server, a worker with the test
 * tools. Its `app.request` and `request` send the test API key unless the request sets
 * `authorization` itself (to another value, or to `''` for none), so tests need not.
 */
export interface ApiStack {
  app: OrdoApp;
  store: OrdoStore;
  /** What `store` was opened with: a second store (a second API instance) can open the same database. */
  storeConfig: StoreConfig;
  client: Client;
  dataDir: string;
  taskQueue: string;
  /** The app's dependencies, for building another app over the same store, Temporal and tools. */
  deps: AppDeps;
  /** `app.request` with a JSON body when one is given. */
  request(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * What the job helpers below need of a stack: an in-process {@link ApiStack}, or an API
 * process over HTTP ({@link remoteApi}).
 */
export type ApiRequester = Pick<ApiStack, 'request'>;

/** An API process at `base` over HTTP, sending `key`, every answer checked against its OpenAPI document. */
export function remoteApi(base: string, key: string): ApiRequester {
  return { request: (path, init) => fetchChecked(`${base}${path}`, withApiKey(init, key)) };
}

/** The test API key's `auth` for `createApp`. */
export const TEST_AUTH = { keys: [TEST_API_KEY] } as const;

/**
 * Makes `app.request` send the test API key by default (see {@link withApiKey}): for apps a
 * test builds itself with {@link TEST_AUTH}. Returns the app.
 */
export function sendingTestKey<A extends OrdoApp>(app: A): A {
  const request = app.request.bind(app);
  // A Request object carries its own headers: sent as it is.
  app.request = (input, init, ...rest) =>
    input instanceof Request ? request(input, init, ...rest) : request(input, withApiKey(init), ...rest);
  return app;
}

export interface ApiStackOptions {
  /** false: no worker polls the task queue (jobs start but never run). */
  worker?: boolean;
  /** Tools beside the catalog and the test tools. */
  tools?: ToolDefinition[];
  dialect?: TestDialect;
  /** Hosts `http_request` may call. */
  allowedHosts?: string[];
  /** Inline limit of job values, to exercise references with small documents. */
  inlineLimitBytes?: number;
  /** Changes to the app's dependencies (auth, allowed hosts, limits). */
  deps?: Partial<AppDeps>;
  /** A Temporal server of the test's own (`startDevServer`) instead of the run's. */
  temporal?: { address: string; namespace: string };
}

export async function startApiStack(label: string, options: ApiStackOptions = {}): Promise<ApiStack> {
  const tools = [...TOOLS, ...TEST_TOOLS, ...(options.tools ?? [])];
  const storeConfig = await testStoreConfig(options.dialect ?? 'sqlite', label);
  const store = await openStore(storeConfig.config);
  // The API's own connection (main.ts), so every API test goes through it.
  const apiConnection = new LazyNativeConnection({ address: options.temporal?.address ?? temporalAddress() });
  await apiConnection.ensureConnected();
  const client = new Client({
    connection: apiConnection,
    namespace: options.temporal?.namespace ?? temporalNamespace(),
  });
  const taskQueue = uniqueTaskQueue(label);
  let connection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  if (options.worker !== false) {
    connection = await connectWorker(options.temporal?.address);
    worker = await createWorker({
      connection,
      namespace: client.options.namespace,
      taskQueue,
      store,
      tools,
      workflowBundle: workflowBundle(),
      http: { allowedHosts: options.allowedHosts ?? [] },
      // Where `tally` counts its executions, as a worker process with the test tools does.
      testLedgerPath: tallyLedgerPath(storeConfig.config.dataDir),
      ...(options.inlineLimitBytes !== undefined && { inlineLimitBytes: options.inlineLimitBytes }),
    });
    running = worker.run();
  } else {
    // What the worker registers at its start (the API process registers the built-in ones too).
    await registerBuiltinTools(store, tools.map(describeTool), taskQueue);
  }
  const deps: AppDeps = {
    store,
    temporal: { client, taskQueue },
    maxUploadBytes: 5 * 1024 * 1024,
    auth: TEST_AUTH,
    ...options.deps,
  };
  const app = checkedApp(sendingTestKey(createApp(deps)));
  return {
    app,
    store,
    storeConfig: storeConfig.config,
    deps,
    client,
    dataDir: storeConfig.config.dataDir,
    taskQueue,
    request: (path, init) => Promise.resolve(app.request(path, init)),
    async stop() {
      worker?.shutdown();
      await running;
      await connection?.close();
      await client.connection.close();
      await store.close();
      await storeConfig.remove();
    },
  };
}

/**
 * A worker process (`apps/worker/src/main.ts`, the test tools) on a stack's task queue and
 * SQLite database, reaching Temporal at `temporal` (the run's server by default); resolves
 * once it polls. The stack's own worker may be off (`worker: false`) so jobs run only on
 * such processes, which a test can kill.
 */
export async function startWorkerProcess(
  stack: Pick<ApiStack, 'taskQueue' | 'dataDir'>,
  temporal = temporalAddress(),
): Promise<OrdoProcess> {
  const worker = startOrdoProcess('worker', {
    TEMPORAL_ADDRESS: temporal,
    TEMPORAL_NAMESPACE: temporalNamespace(),
    ORDO_TASK_QUEUE: stack.taskQueue,
    ORDO_DATA_DIR: stack.dataDir,
    ORDO_TEST_TOOLS: '1',
    // SQLite, the same file as the stack's: startOrdoProcess passes the test's own environment through.
    DATABASE_URL: '',
  });
  try {
    await pollUntil(
      () => Promise.resolve(worker.output()),
      (output) => output.includes('Ordo worker polling') || worker.child.exitCode !== null,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(worker.child.exitCode, worker.output()).toBeNull();
  } catch (err) {
    await worker.kill();
    throw err;
  }
  return worker;
}

/** JSON request init for `app.request`. */
export function json(method: string, body?: unknown): RequestInit {
  if (body === undefined) return { method };
  return {
    method,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** A multipart upload of bytes in the `file` field. */
export function upload(bytes: Uint8Array, name: string, type = 'application/pdf'): RequestInit {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  return { method: 'POST', body: form };
}

/** An RFC 9457 problem body as Ordo sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  job_status?: string;
  is_paused?: boolean;
  input_errors?: Record<string, string>;
  errors?: { field: string; message: string }[];
  /** On a 503 `NOT_READY`: each readiness check's state. */
  checks?: Record<string, string>;
}

/** Asserts a problem+json answer with this status and returns its body. */
export async function problem(res: Response, status: number): Promise<Problem> {
  const body = await res.text();
  expect(res.status, body).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return JSON.parse(body) as Problem;
}

/** A tool step of a test workflow. */
export function toolStepDefinition(
  step_id: string,
  tool_id: string,
  parameter_mappings: Record<string, unknown> = {},
  output_mappings: Record<string, string> = {},
  extra: Record<string, unknown> = {},
) {
  return { step_id, tool: { tool_id, name: tool_id }, parameter_mappings, output_mappings, ...extra };
}

/** Creates a PUBLISHED workflow named by its id (no inputs unless `definition` says), expecting 201. */
export async function publishWorkflow(
  stack: ApiRequester,
  workflowId: string,
  definition: Record<string, unknown>,
): Promise<void> {
  const created = await stack.request(
    '/v1/workflows',
    json('POST', {
      workflow_id: workflowId,
      name: workflowId,
      status: 'PUBLISHED',
      input_variables: [],
      ...definition,
    }),
  );
  expect(created.status, await created.clone().text()).toBe(201);
}

/** A required PDF input variable `doc` ("document"), as jobs that read an uploaded PDF declare it. */
export const PDF_DOCUMENT_INPUT = {
  name: 'document',
  variable_id: 'doc',
  required: true,
  schema: { type: 'file', mime_types: ['application/pdf'] },
} as const;

/** Creates a PUBLISHED workflow and a job of it with these inputs (valid ones), ready to start. */
export async function createJob(
  stack: ApiRequester,
  definition: { input_variables?: unknown[]; steps: unknown[]; output_variables?: string[] },
  inputValues: Record<string, unknown> = {},
): Promise<Job> {
  const workflowId = `wf_${Math.random().toString(36).slice(2, 10)}`;
  await publishWorkflow(stack, workflowId, definition);
  const res = await stack.request('/v1/jobs', json('POST', { workflow_id: workflowId, name: `job of ${workflowId}` }));
  expect(res.status).toBe(201);
  let job = Job.parse(await res.json());
  for (const [id, value] of Object.entries(inputValues)) {
    const set = await stack.request(`/v1/jobs/${job.job_id}/inputs/${id}`, json('PUT', { value }));
    expect(set.status, await set.clone().text()).toBe(200);
    job = Job.parse(await set.json());
  }
  return job;
}

/** Reads a job through the API. */
export async function getJob(stack: ApiRequester, jobId: string): Promise<Job> {
  const res = await stack.request(`/v1/jobs/${jobId}`);
  expect(res.status).toBe(200);
  return Job.parse(await res.json());
}

/** Starts a job through the API and returns the start answer. */
export async function startJob(stack: ApiRequester, jobId: string, body?: unknown): Promise<Job> {
  const res = await stack.request(`/v1/jobs/${jobId}/start`, json('POST', body));
  expect(res.status, await res.clone().text()).toBe(202);
  return Job.parse(await res.json());
}

/** Polls a job until `until` holds. */
export function waitForJob(
  stack: ApiRequester,
  jobId: string,
  until: (job: Job) => boolean,
  timeoutMs = 60_000,
): Promise<Job> {
  return pollUntil(() => getJob(stack, jobId), until, { timeoutMs, intervalMs: 100 });
}

/** Polls a job until it is COMPLETED or FAILED. */
export function waitForEnd(stack: ApiRequester, jobId: string, timeoutMs = 60_000): Promise<Job> {
  return waitForJob(stack, jobId, (job) => job.status === 'COMPLETED' || job.status === 'FAILED', timeoutMs);
}

/**
 * Waits for the job's workflow to close in Temporal (its result, or its failure thrown): the
 * store may show a run ended before Temporal has closed it (its last step's activity records
 * the ending), and only Temporal can say that no attempt of a step is still to come.
 */
export async function waitForClose(stack: Pick<ApiStack, 'client'>, jobId: string, timeoutMs = 120_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the workflow of job ${jobId} did not close within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([stack.client.workflow.getHandle(jobId).result(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
