import { z } from 'zod';
import type { AppDeps } from '../deps';
import { component, createRouter, jsonResponse, problemResponses, route } from '../openapi';
import { ApiProblem } from '../problem';

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
    checks: z.object({ database: CheckStatus, temporal: CheckStatus }),
  }),
  'Ready',
);
export type Ready = z.infer<typeof Ready>;

const health = route({
  method: 'get',
  path: '/health',
  tags: ['operations'],
  summary: 'Liveness: the process serves requests',
  description: 'Always 200 while the API process serves; checks nothing else (see `/ready`). Needs no API key.',
  security: [],
  responses: { 200: jsonResponse(Health, 'The process is up') },
});

const ready = route({
  method: 'get',
  path: '/ready',
  tags: ['operations'],
  summary: 'Readiness: the database and Temporal answer',
  description: `200 when the database answers a query and Temporal its system info, each within ${READY_CHECK_DEADLINE_MS} ms; else 503 \`application/problem+json\` (\`code: NOT_READY\`) whose \`checks\` names each dependency's state. Needs no API key.`,
  security: [],
  responses: {
    200: jsonResponse(Ready, 'Both dependencies answer'),
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
    return await Promise.race([work().then(() => 'ok' as const, () => 'unavailable' as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/health` (liveness) and `/ready` (readiness: the database and Temporal, each with a deadline). */
export function healthRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(health, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(ready, async (c) => {
      const client = deps.temporal.client;
      const [database, temporal] = await Promise.all([
        check(() => deps.store.ping()),
        check(() => client.withDeadline(Date.now() + READY_CHECK_DEADLINE_MS, () => client.workflowService.getSystemInfo({}))),
      ]);
      const checks = { database, temporal };
      if (database === 'ok' && temporal === 'ok') return c.json({ status: 'ready' as const, checks }, 200);
      const down = Object.entries(checks).filter(([, s]) => s !== 'ok').map(([name]) => name);
      throw new ApiProblem(503, 'NOT_READY', 'Not ready', `unavailable: ${down.join(', ')}`, [], { checks });
    });
}
