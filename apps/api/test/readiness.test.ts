import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWorker, pollUntil, workflowBundle } from '@ordo/testing';
import { TEST_TOOLS, TOOLS } from '@ordo/tools';
import { createWorker } from '@ordo/worker';
import { createApp } from '../src/index';
import { WORKER_CHECK_TTL_MS } from '../src/worker-check';
import { checkedApp, problem, sendingTestKey, startApiStack, type ApiStack } from './harness';

/** `/ready` tells the truth: the database, Temporal, and a worker polling Ordo's task queue. */
describe('readiness', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack('ready', { worker: false });
  });
  afterAll(async () => stack?.stop());

  /** Another app over the same store and Temporal, with `deps` changed. */
  const appWith = (deps: Partial<ApiStack['deps']>) =>
    checkedApp(sendingTestKey(createApp({ ...stack.deps, ...deps })));

  it('is 503 NOT_READY naming the worker while none polls, 200 once one does, and 503 again once its polls are old', async () => {
    const notReady = await problem(await stack.request('/ready'), 503);
    expect(notReady).toMatchObject({
      code: 'NOT_READY',
      checks: { database: 'ok', temporal: 'ok', worker: 'unavailable' },
    });
    expect(notReady.errors).toEqual([{ field: 'checks.worker', message: 'is unavailable' }]);
    expect(notReady.detail).toContain(`task queue '${stack.taskQueue}'`);

    const connection = await connectWorker();
    const worker = await createWorker({
      connection,
      namespace: stack.client.options.namespace,
      taskQueue: stack.taskQueue,
      store: stack.store,
      tools: [...TOOLS, ...TEST_TOOLS],
      workflowBundle: workflowBundle(),
      http: { allowedHosts: [] },
    });
    const running = worker.run();
    try {
      // Answers are reused for a few seconds, and Temporal lists a poller once it polls: a bound, not a timing.
      const ready = await pollUntil(
        () => Promise.resolve(stack.request('/ready')),
        (r) => r.status === 200,
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok', worker: 'ok' } });
      // The same worker seen from a clock 150 s on: its last poll (at most about a minute ago) is too old to count.
      const later = appWith({ now: () => new Date(Date.now() + 150_000) });
      expect((await problem(await later.request('/ready'), 503)).checks).toEqual({
        database: 'ok',
        temporal: 'ok',
        worker: 'unavailable',
      });
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });

  it('asks Temporal once for many concurrent /ready calls, and again only after a few seconds', async () => {
    let asked = 0;
    const service = new Proxy(stack.client.workflowService, {
      get: (target, method, receiver) => {
        const real = Reflect.get(target, method, receiver) as unknown;
        if (method !== 'describeTaskQueue' || typeof real !== 'function') return real;
        return (request: unknown) => {
          asked++;
          return (real as (r: unknown) => Promise<unknown>)(request);
        };
      },
    });
    // The real client, its describeTaskQueue calls counted.
    const client = new Proxy(stack.client, {
      get: (target, name) => (name === 'workflowService' ? service : (Reflect.get(target, name, target) as unknown)),
    });
    const app = appWith({ temporal: { client, taskQueue: stack.taskQueue } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => Promise.resolve(app.request('/ready'))));
    // All the same answer (the worker of the test before may still count as polling).
    expect(new Set(answers.map((r) => r.status)).size).toBe(1);
    // One question: the workflow and the activity task queue.
    expect(asked).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, WORKER_CHECK_TTL_MS + 500));
    await app.request('/ready');
    expect(asked).toBe(4);
  });
});
