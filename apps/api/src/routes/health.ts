import { Hono } from 'hono';
import type { AppDeps } from '../deps';

const CHECK_DEADLINE_MS = 2000;

/** `/health`: 200 when the database and Temporal both answer, 503 naming what does not. */
export function healthRoutes(deps: AppDeps) {
  return new Hono().get('/', async (c) => {
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
    return c.json({ status: healthy ? 'ok' : 'degraded', checks: { database, temporal } }, healthy ? 200 : 503);
  });
}
