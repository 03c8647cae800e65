import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob, problem, startApiStack, startJob, toolStepDefinition, type ApiStack } from './harness';

/** A lease far shorter than the request below, renewed every third of it. */
const LEASE_MS = 2_000;

/**
 * A slow request keeps its `Idempotency-Key` as long as it runs, renewing its lease: a cancel
 * of a run no worker serves waits 15 s for the run to close, many times the lease. Every retry
 * meanwhile is refused (409 `IDEMPOTENCY_KEY_IN_USE`), so none runs the cancel a second time;
 * once the first answers, a retry gets its answer again.
 */
describe('an Idempotency-Key held by a slow request', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack('idem-lease', { worker: false, deps: { idempotencyLeaseMs: LEASE_MS } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('stays in use while the request runs, long past its lease, and replays the answer after', async () => {
    const job = await createJob(stack, { steps: [toolStepDefinition('nap', 'sleep', { ms: 1000 })] });
    await startJob(stack, job.job_id);
    const cancel = () =>
      stack.request(`/v1/jobs/${job.job_id}/cancel`, { method: 'POST', headers: { 'Idempotency-Key': 'slow-cancel' } });

    const sentAt = Date.now();
    const first = cancel();
    let answeredAt: number | undefined;
    void first.then(() => (answeredAt = Date.now()));
    await new Promise((resolve) => setTimeout(resolve, 300));
    let refused = 0;
    // Five leases: each retry finds the key still held, renewed by the request that runs. One
    // sent just as the first answers may find its answer stored (a replay); none runs the cancel again.
    while (Date.now() - sentAt < 5 * LEASE_MS && answeredAt === undefined) {
      const retry = await cancel();
      if (retry.headers.get('idempotent-replayed') === 'true') break;
      const body = await problem(retry, 409);
      expect(body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
      refused++;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const answer = await first;
    const firstBody = await answer.text();
    console.log(
      `idempotency-lease: the cancel answered ${answer.status} after ${answeredAt! - sentAt} ms; ${refused} retries refused meanwhile`,
    );
    expect(answeredAt! - sentAt).toBeGreaterThan(5 * LEASE_MS);
    expect(refused).toBeGreaterThan(5);
    expect(answer.status, firstBody).toBe(202);

    const replay = await cancel();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.text()).toBe(firstBody);
  });
});
