import { z } from 'zod';
import type { AppDeps } from '../deps';
import { component, createRouter, jsonResponse, route } from '../openapi';

const CHECK_DEADLINE_MS = 2000;

/** The answer of `/health`: overall status and each dependency's. */
export const Health = component(
  z.object({
    status: z.enum(['ok', 'degraded']),
    checks: z.object({ database: z.enum(['ok', 'unavailable']), temporal: z.enum(['ok', 'unavailable']) }),
  }),
  'Health',
);
export type Health = z.infer<typeof Health>;

const health = route({
  method: 'get',
  path: '/',
  tags: ['operations'],
  summary: 'Health of the API and its dependencies',
  security: [],
  responses: {
    200: jsonResponse(Health, 'The database and Temporal both answer'),
    503: jsonResponse(Health, 'The database or Temporal does not answer; `checks` says which'),
  },
});

/** `/health`: 200 when the database and Temporal both answer, 503 naming what does not. */
export function healthRoutes(deps: AppDeps) {
  return createRouter().openapi(health, async (c) => {
    const [database, temporal] = await Promise.all([
      deps.store.ping().then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
      deps.temporal.client
        .withDeadline(Date.now() + CHECK_DEADLINE_MS, () => deps.temporal.client.workflowService.getSystemInfo({}))
        .then(
          () => 'ok' as const,
          () => 'unavailable' as const,
        ),
    ]);
    const healthy = database === 'ok' && temporal === 'ok';
    const body: Health = { status: healthy ? 'ok' : 'degraded', checks: { database, temporal } };
    return healthy ? c.json(body, 200) : c.json(body, 503);
  });
}
