import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import { temporalAddress, temporalNamespace, unreachableTemporalAddress } from '@ordo/testing';
import { LazyNativeConnection, TemporalCallError } from '../src/index';
import { HoldingProxy } from './holding-proxy';

/** The API's connection to Temporal: native, made in the background, never in a request's way. */
describe('LazyNativeConnection', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('fails every call at once with UNAVAILABLE while Temporal is down, and connects once it is up', async () => {
    const address = await unreachableTemporalAddress();
    const connection = new LazyNativeConnection({ address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: temporalNamespace() });

    const began = Date.now();
    const refused = await client.workflowService.getSystemInfo({}).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(Date.now() - began).toBeLessThan(1000);
    expect(refused).toBeInstanceOf(TemporalCallError);
    expect(refused).toMatchObject({ code: 14 });
    // What the job service answers as TEMPORAL_UNAVAILABLE: a failed start, not a hang.
    await expect(
      client.workflow.start('jobWorkflow', { workflowId: 'never', taskQueue: 'nowhere', args: [] }),
    ).rejects.toMatchObject({ cause: { code: 14 } });

    // Temporal comes up on that address: the background retries connect without any call.
    const proxy = await HoldingProxy.start(temporalAddress(), Number(address.split(':')[1]));
    cleanups.push(() => proxy.close());
    await connection.ensureConnected();
    const info = await client.workflowService.getSystemInfo({});
    expect(info.capabilities).toBeDefined();
    // The server's answers reach the client as its typed errors, which the job service reads.
    await expect(client.workflow.getHandle(`none-${Date.now()}`).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  }, 30_000);

  it('holds a call to its deadline when the server does not answer', async () => {
    const proxy = await HoldingProxy.start(temporalAddress());
    cleanups.push(() => proxy.close());
    const connection = new LazyNativeConnection({ address: proxy.address });
    cleanups.push(() => connection.close());
    await connection.ensureConnected();
    const client = new Client({ connection, namespace: temporalNamespace() });

    proxy.hold('to-client');
    const began = Date.now();
    await expect(
      client.withDeadline(Date.now() + 500, () => client.workflow.getHandle('held').describe()),
    ).rejects.toThrow();
    expect(Date.now() - began).toBeLessThan(3000);
  }, 30_000);

  it('cancels a call when its abort signal fires', async () => {
    const connection = new LazyNativeConnection({ address: temporalAddress() });
    cleanups.push(() => connection.close());
    await connection.ensureConnected();
    const client = new Client({ connection, namespace: temporalNamespace() });
    const controller = new AbortController();
    // A long poll of a task queue nobody serves: the server would hold it for a minute.
    const poll = client.withAbortSignal(controller.signal, () =>
      client.workflowService.pollActivityTaskQueue({
        namespace: temporalNamespace(),
        taskQueue: { name: `held-${Date.now()}` },
        identity: 'test',
      }),
    );
    setTimeout(() => controller.abort(), 200);
    const began = Date.now();
    await expect(poll).rejects.toMatchObject({ code: 1 });
    expect(Date.now() - began).toBeLessThan(2000);
  }, 30_000);
});
