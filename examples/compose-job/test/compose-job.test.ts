import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type OrdoApp } from '@ordo/api';
import { Job, RuntimeWorkflowExecution } from '@ordo/core';
import { openStore, type OrdoStore } from '@ordo/storage';
import {
  connectClient,
  connectWorker,
  pollUntil,
  ResponseChecker,
  TEST_API_KEY,
  testStoreConfig,
  uniqueTaskQueue,
  workflowBundle,
  type OpenApiDocument,
} from '@ordo/testing';
import { TEST_TOOLS, TOOLS } from '@ordo/tools';
import { createWorker } from '@ordo/worker';
import type { ReviewResult } from '../src/workflows';

/**
 * The example on the real dev server: an Ordo worker and API over a real SQLite store, the
 * example team's own worker on its own task queue, and the composed job read back through the API.
 */
describe('compose-job example: another team runs an Ordo job as a child workflow', () => {
  let client: Client;
  let store: OrdoStore;
  let app: OrdoApp;
  let removeStore: () => Promise<void>;
  const connections: NativeConnection[] = [];
  const workers: { worker: Worker; running: Promise<void> }[] = [];
  const ordoQueue = uniqueTaskQueue('compose-ordo');
  const teamQueue = uniqueTaskQueue('compose-team');

  beforeAll(async () => {
    const config = await testStoreConfig('sqlite', 'compose-job');
    removeStore = config.remove;
    store = await openStore(config.config);
    client = await connectClient();
    const tools = [...TOOLS, ...TEST_TOOLS];
    const ordo = await connectWorker();
    const team = await connectWorker();
    connections.push(ordo, team);
    const ordoWorker = await createWorker({
      connection: ordo,
      namespace: client.options.namespace,
      taskQueue: ordoQueue,
      store,
      tools,
      workflowBundle: workflowBundle(),
      http: { allowedHosts: [] },
    });
    const teamWorker = await Worker.create({
      connection: team,
      namespace: client.options.namespace,
      taskQueue: teamQueue,
      workflowsPath: fileURLToPath(new URL('../src/workflows.ts', import.meta.url)),
    });
    for (const worker of [ordoWorker, teamWorker]) workers.push({ worker, running: worker.run() });
    app = createApp({
      store,
      temporal: { client, taskQueue: ordoQueue },
      maxUploadBytes: 1024 * 1024,
      auth: { keys: [TEST_API_KEY] },
    });
    // The Ordo workflow the team composes, published through the API.
    const created = await api('/v1/workflows', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        workflow_id: 'compose_double',
        name: 'Double',
        status: 'PUBLISHED',
        input_variables: [{ variable_id: 'n', name: 'n', schema: { type: 'number' }, required: true }],
        steps: [
          { step_id: 'rest', tool: { tool_id: 'sleep', name: 'Rest' }, parameter_mappings: { ms: 300 } },
          {
            step_id: 'double',
            tool: { tool_id: 'noop', name: 'Double' },
            parameter_mappings: { value: { expr: 'n * 2' } },
            output_mappings: { value: 'doubled' },
          },
        ],
        output_variables: ['doubled'],
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
  });

  afterAll(async () => {
    for (const { worker } of workers) worker.shutdown();
    await Promise.all(workers.map((w) => w.running));
    for (const connection of connections) await connection.close();
    await client.connection.close();
    await store.close();
    await removeStore();
  });

  let checker: ResponseChecker | undefined;
  /** `app.request` with the test key, every answer checked against the OpenAPI document the app serves. */
  async function api(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await app.request(path, {
      ...init,
      headers: { authorization: `Bearer ${TEST_API_KEY}`, ...(init.headers as Record<string, string> | undefined) },
    });
    checker ??= new ResponseChecker((await (await app.request('/openapi.json')).json()) as OpenApiDocument);
    await checker.checkResponse(init.method ?? 'GET', path, res);
    return res;
  }

  it('runs the job as its child, pauses and resumes it with the exported signals, uses its result; the job is in the API with the parent set', async () => {
    const parentId = `review-${Date.now()}`;
    const handle = await client.workflow.start('reviewWithOrdo', {
      workflowId: parentId,
      taskQueue: teamQueue,
      args: [{ ordo_workflow_id: 'compose_double', n: 21, ordo_task_queue: ordoQueue, hold_ms: 2_000 }],
    });
    const jobId = `${parentId}--ordo`;
    // Held paused by the parent's signal, as the API shows it.
    const paused = await pollUntil(
      async () => {
        const res = await api(`/v1/jobs/${jobId}`);
        return res.status === 200 ? Job.parse(await res.json()) : undefined;
      },
      (job) => job?.execution_progress.is_paused === true,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(paused).toMatchObject({
      status: 'RUNNING',
      workflow_id: 'compose_double',
      name: 'Review 21',
      parent_job_id: parentId,
      context: { requested_by: 'review-team' },
    });

    const result: ReviewResult = await handle.result();
    expect(result).toEqual({ ordo_job_id: jobId, doubled: 42, summary: '21 doubled is 42' });
    const job = Job.parse(await (await api(`/v1/jobs/${jobId}`)).json());
    expect(job).toMatchObject({
      status: 'COMPLETED',
      output_data: { doubled: 42 },
      input_values: { n: 21 },
      parent_job_id: parentId,
    });
    const execution = RuntimeWorkflowExecution.parse(await (await api(`/v1/jobs/${jobId}/execution`)).json());
    expect(execution.parentWorkflowExecutionId).toBe(parentId);
    expect(execution.runtimeStatus).toBe('Completed');
  });
});
