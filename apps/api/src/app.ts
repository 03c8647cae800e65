import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppDeps } from './deps';
import { ApiProblem } from './problem';
import { fileRoutes } from './routes/files';
import { healthRoutes } from './routes/health';
import { jobRoutes } from './routes/jobs';
import { toolRoutes } from './routes/tools';
import { workflowRoutes } from './routes/workflows';

/**
 * The Ordo REST API. Every refused request, whatever raised it, leaves through
 * `onError` as `application/problem+json`; anything unexpected is a logged 500
 * that reveals nothing internal.
 */
export function createApp(deps: AppDeps) {
  const app = new Hono()
    .route('/health', healthRoutes(deps))
    .route('/v1/workflows', workflowRoutes(deps))
    .route('/v1/files', fileRoutes(deps))
    .route('/v1/jobs', jobRoutes(deps))
    .route('/v1/tools', toolRoutes(deps));

  app.notFound((c) => {
    throw new ApiProblem(404, 'NOT_FOUND', 'Not found', `no route for ${c.req.method} ${c.req.path}`);
  });

  app.onError((err, c) => {
    const problem = toProblem(err);
    if (problem.status >= 500) console.error(`${c.req.method} ${c.req.path} failed`, err);
    return c.body(JSON.stringify(problem.toJSON(c.req.path)), problem.status, { 'Content-Type': 'application/problem+json' });
  });
  return app;
}

function toProblem(err: Error): ApiProblem {
  if (err instanceof ApiProblem) return err;
  if (err instanceof HTTPException) {
    // Hono raises these for malformed JSON bodies and similar protocol errors.
    const status = err.status;
    return new ApiProblem(status, status === 400 ? 'MALFORMED_REQUEST' : 'INTERNAL', status === 400 ? 'Malformed request' : 'Request failed', err.message);
  }
  return new ApiProblem(500, 'INTERNAL', 'Internal error', 'an unexpected error occurred; it has been logged');
}

export type OrdoApp = ReturnType<typeof createApp>;
