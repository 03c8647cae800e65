import { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWorker, pollUntil, uniqueTaskQueue, unreachableTemporalAddress } from '@ordo/testing';
import { createApp, LazyNativeConnection } from '../src/index';
import { checkedApp, json, sendingTestKey, startApiStack, toolStepDefinition, type ApiStack } from './harness';

interface Workers {
  task_queue: string;
  available: boolean | null;
  pollers: { identity: string; last_access_time: string }[];
  checked_at: string;
  reason: string | null;
}
interface Tool {
  tool_id: string;
  version: string;
  task_queue: string;
  workers: Workers;
  versions: { version: string; workers: Workers }[];
}
interface Warning {
  field: string;
  message: string;
  rule: string;
  step_id?: string;
}

/** A registration body: a tool served on `taskQueue`, taking nothing. */
const registration = (taskQueue: string) => ({
  version: '1.0.0',
  name: 'Liveness probe',
  description: 'Answers an empty object',
  parameters: { type: 'object', properties: {} },
  outputs: { type: 'object', properties: {} },
  task_queue: taskQueue,
});

/** Issue 17, "Liveness": the catalog says whether a worker polls each tool's task queue, and a publish warns of none. */
describe('tool liveness', () => {
  let stack: ApiStack;
  const req = (path: string, init?: RequestInit) => stack.app.request(path, init);
  const readJson = async <T>(res: Response | Promise<Response>, status = 200): Promise<T> => {
    const response = await res;
    const body = await response.text();
    expect(response.status, body).toBe(status);
    return JSON.parse(body) as T;
  };
  // A queue no worker polls yet: the external tool's.
  const externalQueue = uniqueTaskQueue('liveness-external');
  const toolId = 'liveness_probe';

  beforeAll(async () => {
    // With Ordo's worker (the test tools): the built-in tools are served on the stack's queue.
    stack = await startApiStack('tool-liveness');
    await readJson(req(`/v1/tools/${toolId}`, json('PUT', registration(externalQueue))), 201);
  });
  afterAll(async () => stack.stop());

  it("shows the built-in tools served by Ordo's worker on the API's task queue", async () => {
    // The worker polls from its start; allow for the first answer being cached before that.
    const { items } = await pollUntil(
      () => readJson<{ items: Tool[] }>(req('/v1/tools')),
      (list) => list.items.find((t) => t.tool_id === 'pdf_extractor')?.workers.available === true,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const pdf = items.find((t) => t.tool_id === 'pdf_extractor')!;
    expect(pdf.workers).toMatchObject({ task_queue: stack.taskQueue, available: true, reason: null });
    expect(pdf.workers.pollers.length).toBeGreaterThan(0);
    expect(pdf.versions[0]?.workers).toMatchObject({ task_queue: stack.taskQueue, available: true });
    // Every built-in on the one queue: one question to Temporal answered them all.
    const builtins = items.filter((t) => t.task_queue === stack.taskQueue);
    expect(builtins.length).toBeGreaterThan(1);
    expect(new Set(builtins.map((t) => t.workers.checked_at)).size).toBe(1);
  });

  it("shows a built-in on the API's own task queue whichever queue registered it first", async () => {
    // Another API over the same catalog, on a queue no worker polls: its jobs' built-in steps would wait.
    const queue = uniqueTaskQueue('liveness-other-api');
    const other = checkedApp(
      sendingTestKey(createApp({ ...stack.deps, temporal: { client: stack.client, taskQueue: queue } })),
    );
    const pdf = await readJson<Tool>(other.request('/v1/tools/pdf_extractor'));
    expect(pdf.task_queue).toBe(stack.taskQueue);
    expect(pdf.workers).toMatchObject({ task_queue: queue, available: false, pollers: [], reason: null });
  });

  it('shows a tool no worker polls as not available, and warns when a workflow using it is published', async () => {
    const tool = await readJson<Tool>(req(`/v1/tools/${toolId}`));
    expect(tool.workers).toMatchObject({ task_queue: externalQueue, available: false, pollers: [], reason: null });
    expect(Number.isNaN(Date.parse(tool.workers.checked_at))).toBe(false);
    const version = await readJson<Tool>(req(`/v1/tools/${toolId}/versions/1.0.0`));
    expect(version.workers).toMatchObject({ task_queue: externalQueue, available: false });

    const definition = {
      workflow_id: 'liveness_flow',
      name: 'liveness flow',
      input_variables: [],
      steps: [toolStepDefinition('count', 'tally', { ms: 0 }), toolStepDefinition('probe', toolId)],
    };
    const warning: Warning = {
      field: 'steps.1.tool',
      rule: 'tool_worker_available',
      step_id: 'probe',
      message: `no worker polls task queue '${externalQueue}' for tool '${toolId}' 1.0.0: its steps wait until one does`,
    };
    // Validate says what a publish would: valid, with the warning.
    expect(await readJson(req('/v1/workflows/validate', json('POST', definition)))).toEqual({
      valid: true,
      errors: [],
      warnings: [warning],
    });
    await readJson(req('/v1/workflows', json('POST', definition)), 201);
    const published = await readJson<{ status: string; warnings: Warning[] }>(
      req('/v1/workflows/liveness_flow/versions/1/publish', { method: 'POST' }),
    );
    // Published all the same: the worker may come later, and the step waits for it.
    expect(published.status).toBe('PUBLISHED');
    expect(published.warnings).toEqual([warning]);
  });

  it('shows a plain Temporal worker polling the queue, with its identity', async () => {
    let connection: NativeConnection | undefined;
    let worker: Worker | undefined;
    let running: Promise<void> | undefined;
    try {
      connection = await connectWorker();
      // Any SDK's worker: a plain activity under the tool's activity type, nothing of Ordo's.
      worker = await Worker.create({
        connection,
        namespace: stack.client.options.namespace,
        taskQueue: externalQueue,
        identity: 'liveness-probe-worker',
        activities: { [toolId]: () => Promise.resolve({}) },
      });
      running = worker.run();
      // The "no worker" answer may be reused for a few seconds: a generous bound, no timing asserted.
      const tool = await pollUntil(
        () => readJson<Tool>(req(`/v1/tools/${toolId}`)),
        (t) => t.workers.available === true,
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(tool.workers.task_queue).toBe(externalQueue);
      expect(tool.workers.pollers.map((p) => p.identity)).toContain('liveness-probe-worker');
      expect(Number.isNaN(Date.parse(tool.workers.pollers[0]!.last_access_time))).toBe(false);

      // A publish using it now warns of nothing.
      await readJson(req('/v1/workflows/liveness_flow/versions', json('POST', { from_version: 1 })), 201);
      const published = await readJson<{ warnings: Warning[] }>(
        req('/v1/workflows/liveness_flow/versions/2/publish', { method: 'POST' }),
      );
      expect(published.warnings).toEqual([]);
    } finally {
      worker?.shutdown();
      await running;
      await connection?.close();
    }
  });

  it('answers the catalog with availability unknown when Temporal cannot be reached', async () => {
    const connection = new LazyNativeConnection({ address: await unreachableTemporalAddress() });
    try {
      const down = checkedApp(
        sendingTestKey(
          createApp({ ...stack.deps, temporal: { client: new Client({ connection }), taskQueue: stack.taskQueue } }),
        ),
      );
      const { items } = await readJson<{ items: Tool[] }>(down.request('/v1/tools'));
      const probe = items.find((t) => t.tool_id === toolId)!;
      expect(probe.workers).toMatchObject({ task_queue: externalQueue, available: null, pollers: [] });
      expect(probe.workers.reason).toContain(`task queue '${externalQueue}'`);
      // A publish is not refused for it either: the warning says the check could not be made.
      const validated = await readJson<{ valid: boolean; warnings: Warning[] }>(
        down.request(
          '/v1/workflows/validate',
          json('POST', {
            workflow_id: 'liveness_down',
            name: 'down',
            input_variables: [],
            steps: [toolStepDefinition('probe', toolId)],
          }),
        ),
      );
      expect(validated.valid).toBe(true);
      expect(validated.warnings).toEqual([
        expect.objectContaining({
          field: 'steps.0.tool',
          rule: 'tool_worker_available',
          message: expect.stringContaining('could not check whether a worker polls') as string,
        }),
      ]);
    } finally {
      await connection.close();
    }
  });
});
