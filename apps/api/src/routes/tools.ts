import { z } from 'zod';
import { ToolDescriptor } from '@ordo/core';
import type { AppDeps } from '../deps';
import { component, createRouter, jsonResponse, route } from '../openapi';
import { notFound } from '../problem';

const ToolRef = component(ToolDescriptor, 'Tool');

/** The answer of `GET /v1/tools`. */
export const ToolList = component(z.object({ items: z.array(ToolRef) }), 'ToolList');
export type ToolList = z.infer<typeof ToolList>;

const listTools = route({
  method: 'get',
  path: '/',
  tags: ['tools'],
  summary: 'List the tool catalog',
  description:
    "Each entry's `parameters` and `outputs` are JSON Schemas generated from the tool's own zod schemas, the ones its activity validates with and publish-time checks read.",
  responses: { 200: jsonResponse(ToolList, 'The catalog, by tool_id') },
});

const getTool = route({
  method: 'get',
  path: '/{tool_id}',
  tags: ['tools'],
  summary: 'Get one tool',
  request: { params: z.object({ tool_id: z.string().min(1).max(128) }) },
  responses: { 200: jsonResponse(ToolRef, 'The tool') },
  problems: [404],
});

/** `/v1/tools`: the tool catalog. */
export function toolRoutes(deps: AppDeps) {
  const sorted = [...deps.tools].sort((a, b) => a.tool_id.localeCompare(b.tool_id));
  return createRouter()
    .openapi(listTools, (c) => c.json({ items: sorted }, 200))
    .openapi(getTool, (c) => {
      const { tool_id } = c.req.valid('param');
      const tool = deps.tools.find((t) => t.tool_id === tool_id);
      if (!tool) throw notFound('Tool', tool_id);
      return c.json(tool, 200);
    });
}
