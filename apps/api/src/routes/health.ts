import { z } from 'zod';
import type { AppDeps } from '../deps';
import { component, createRouter, jsonResponse, problemResponses, route } from '../openapi';
import { ApiProblem } from '../problem';
import { WORKER_CHECK_TTL_MS, WORKER_POLL_WINDOW_MS, workerCheck, type TaskQueuePollers } from '../worker-check';

/** How long each readiness check may take before its dependency counts as down. */
export const READY_CHECK_DEADLINE_MS = 2000;

/** The answer of `/health`: the process serves requests. */
export const Health = component(z.object({ status: z.literal('ok') }), 'Health');
export type Health = z.infer<typeof Health>;

/** One dependency's state in `/ready`. */
export const CheckStatus = z.enum(['ok', 'unavailable']);
export type CheckStatus = z.infer<typeof CheckStatus>;

/** The answer of `/ready` when every dependency answers; a 503 problem carries the same `checks`. */
export const Ready = component(
  z.object({
    status: z.literal('ready'),
    checks: z.object({
      database: CheckStatus.describe('The database answers a query'),
      temporal: CheckStatus.describe('Temporal answers its system info'),
      worker: CheckStatus.describe(
        `A worker polls the task queue: Temporal saw both its workflow and its activity pollers within ${WORKER_POLL_WINDOW_MS / 1000} s (asked at most every ${WORKER_CHECK_TTL_MS / 1000} s)`,
      ),
    }),
  }),
  'Ready',
);
export type Ready = z.infer<typeof Ready>;

const health = route({
  operationId: 'getHealth',
  method: 'get',
  path: '/health',
  tags: ['operations'],
  summary: 'Liveness: the process serves requests',
  description: 'Always 200 while the API process serves; checks nothing else (see `/ready`). Needs no API key.',
  security: [],
  responses: { 200: jsonResponse(Health, 'The process is up') },
});

const ready = route({
  operationId: 'getReadiness',
  method: 'get',
  path: '/ready',
  tags: ['operations'],
  summary: 'Readiness: the database and Temporal answer, and a worker polls',
  description: `200 when the database answers a query and Temporal its system info, each within ${READY_CHECK_DEADLINE_MS} ms, and a worker polls Ordo's task queue (Temporal's task-queue description shows workflow and activity pollers seen within ${WORKER_POLL_WINDOW_MS / 1000} s; the answer is reused for ${WORKER_CHECK_TTL_MS / 1000} s); else 503 \`application/problem+json\` (\`code: NOT_READY\`) whose \`checks\` names each one's state. Needs no API key.`,
  security: [],
  responses: {
    200: jsonResponse(Ready, 'Every check passes'),
    ...problemResponses([503]),
  },
});

/** A check that fails when `work` rejects or takes longer than the deadline. */
async function check(work: () => Promise<unknown>): Promise<CheckStatus> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckStatus>((resolve) => {
    timer = setTimeout(() => resolve('unavailable'), READY_CHECK_DEADLINE_MS);
  });
  try {
    return await Promise.race([
      work().then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/health` (liveness) and `/ready` (readiness: the database and Temporal, each with a
 * deadline, and a worker polling the task queue, from Temporal's answer reused a few seconds).
 */
export function healthRoutes(deps: AppDeps, pollers: TaskQueuePollers) {
  const client = deps.temporal.client;
  const workerPolls = workerCheck(pollers, deps.temporal.taskQueue);
  return createRouter()
    .openapi(health, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(ready, async (c) => {
      const [database, temporal, worker] = await Promise.all([
        check(() => deps.store.ping()),
        check(() =>
          client.withDeadline(Date.now() + READY_CHECK_DEADLINE_MS, () => client.workflowService.getSystemInfo({})),
        ),
        check(async () => {
          if (!(await workerPolls())) throw new Error('no worker polls');
        }),
      ]);
      const checks = { database, temporal, worker };
      if (database === 'ok' && temporal === 'ok' && worker === 'ok')
        return c.json({ status: 'ready' as const, checks }, 200);
      const down = Object.entries(checks)
        .filter(([, s]) => s !== 'ok')
        .map(([name]) => name);
      const why =
        worker === 'ok'
          ? ''
          : ` (no worker has polled task queue '${deps.temporal.taskQueue}' in the last ${WORKER_POLL_WINDOW_MS / 1000} s)`;
      throw new ApiProblem(
        503,
        'NOT_READY',
        'Not ready',
        `unavailable: ${down.join(', ')}${why}`,
        down.map((name) => ({ field: `checks.${name}`, message: 'is unavailable' })),
        { checks },
      );
    });
}
