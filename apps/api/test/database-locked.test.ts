import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import { openStore } from '@ordo/storage';
import { json, problem, publishWorkflow, startApiStack, toolStepDefinition, type ApiStack } from './harness';

/**
 * SQLite's outage: the database file locked by another connection's write transaction past
 * the busy timeout (10 s). Writes answer as PostgreSQL being down does, a 503 problem naming
 * the database with `Retry-After`, never a 500, and leave nothing behind; reads go on (WAL);
 * once the lock is released, the same request with the same key goes through.
 */
describe('a locked SQLite database', () => {
  let stack: ApiStack;
  const workflowId = 'wf_locked';
  const create = () =>
    stack.request('/v1/jobs', {
      ...json('POST', { workflow_id: workflowId, name: 'while locked' }),
      headers: { 'content-type': 'application/json', 'Idempotency-Key': 'locked-1' },
    });

  beforeAll(async () => {
    stack = await startApiStack('db-locked', { worker: false });
    await publishWorkflow(stack, workflowId, { steps: [toolStepDefinition('nap', 'sleep', { ms: 1 })] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers writes 503 DATABASE_UNAVAILABLE while another connection holds the write lock, reads on, and writes again once it is released', async () => {
    // Another process's store (a second connection) in the middle of a write transaction.
    const other = await openStore(stack.storeConfig);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const transaction = other.db.transaction().execute(async (trx) => {
      await trx.updateTable('workflows').set({ name: workflowId }).where('workflow_id', '=', workflowId).execute();
      locked();
      await released;
    });
    try {
      await holding;
      const refused = await create();
      expect(refused.headers.get('retry-after')).toBe('2');
      const body = await problem(refused, 503);
      expect(body).toMatchObject({
        code: 'DATABASE_UNAVAILABLE',
        errors: [{ field: 'database', message: 'is unavailable' }],
      });
      expect((await stack.request(`/v1/workflows/${workflowId}`)).status).toBe(200);
    } finally {
      release();
      await transaction;
      await other.close();
    }
    const created = await create();
    expect(created.status, await created.clone().text()).toBe(201);
    expect(created.headers.get('idempotent-replayed')).toBeNull();
    const job = Job.parse(await created.json());
    // The refused request left nothing: one job of the workflow, the one the retry created.
    const list = (await (await stack.request(`/v1/jobs?workflow_id=${workflowId}`)).json()) as {
      items: { job_id: string }[];
    };
    expect(list.items.map((j) => j.job_id)).toEqual([job.job_id]);
  });
});
