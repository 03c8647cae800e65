import { Hono } from 'hono';
import type { AppDeps } from '../deps';
import { notFound } from '../problem';

/**
 * `/v1/tools`: the tool catalog. Each entry's `parameters` and `outputs` are JSON Schemas
 * generated from the tool's own zod schemas, the same ones its activity validates with
 * and publish-time checks read.
 */
export function toolRoutes(deps: AppDeps) {
  return new Hono()
    .get('/', (c) => c.json({ items: [...deps.tools].sort((a, b) => a.tool_id.localeCompare(b.tool_id)) }))
    .get('/:tool_id', (c) => {
      const id = c.req.param('tool_id');
      const tool = deps.tools.find((t) => t.tool_id === id);
      if (!tool) throw notFound('Tool', id);
      return c.json(tool);
    });
}
