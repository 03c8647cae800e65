import { z } from 'zod';
import { RegisteredTool } from '@ordo/core';
import type { AppDeps } from '../deps';
import { component, createRouter, jsonRequest, jsonResponse, route } from '../openapi';
import { ApiProblem, notFound } from '../problem';
import { ToolWorkers, type ToolLiveness } from '../tool-liveness';
import { RegistrableToolId, toolContractOf, ToolRegistration } from '../tool-registration';

const ToolVersionRef = component(RegisteredTool, 'ToolVersion');
const ToolWorkersRef = component(ToolWorkers, 'ToolWorkers');
const WORKERS_DESCRIPTION =
  "Whether a worker serves this version: who polls its task queue's activity tasks, from Temporal's DescribeTaskQueue";

/** One version of a tool as `GET /v1/tools/{tool_id}/versions/{version}` answers it: with its workers. */
export const ToolVersionDetail = component(
  RegisteredTool.extend({ workers: ToolWorkersRef.describe(WORKERS_DESCRIPTION) }),
  'ToolVersionDetail',
);
export type ToolVersionDetail = z.infer<typeof ToolVersionDetail>;

/** One version of a tool, as the `versions` of a tool list it. */
export const ToolVersionSummary = component(
  z.object({
    version: z.string(),
    deprecated: z.boolean(),
    registered_at: z.string(),
    workers: ToolWorkersRef.describe(WORKERS_DESCRIPTION),
  }),
  'ToolVersionSummary',
);

/** A tool: its current version's contract, and every version it has (newest first). */
export const Tool = component(
  RegisteredTool.extend({
    workers: ToolWorkersRef.describe(WORKERS_DESCRIPTION),
    versions: z
      .array(ToolVersionSummary)
      .describe(
        'Every registered version, newest (semver) first; read one with GET /v1/tools/{tool_id}/versions/{version}',
      ),
  }),
  'Tool',
);
export type Tool = z.infer<typeof Tool>;

/** The answer of `GET /v1/tools`. */
export const ToolList = component(z.object({ items: z.array(Tool) }), 'ToolList');
export type ToolList = z.infer<typeof ToolList>;

const ToolPath = z.object({ tool_id: z.string().min(1).max(128) });
const ToolVersionPath = z.object({ tool_id: z.string().min(1).max(128), version: z.string().min(1).max(64) });

const listTools = route({
  operationId: 'listTools',
  method: 'get',
  path: '/',
  tags: ['tools'],
  summary: 'List the tool catalog',
  description:
    "Each tool at its newest version that is not deprecated (a tool whose every version is deprecated is left out), with `versions` naming all of them. `parameters` and `outputs` are JSON Schemas 2020-12: the registered ones (a built-in tool's are generated from its zod schemas), which publish-time checks read. `workers` says whether a worker polls each version's task queue (Temporal asked at most once per queue every few seconds; `available: null` with a `reason` when Temporal cannot be asked: the list still answers).",
  responses: { 200: jsonResponse(ToolList, 'The catalog, by tool_id') },
});

const getTool = route({
  operationId: 'getTool',
  method: 'get',
  path: '/{tool_id}',
  tags: ['tools'],
  summary: 'Get one tool, with its versions',
  description:
    'Its newest version that is not deprecated (the newest version when every one is), and every registered version, each with `workers`: whether a worker polls its task queue.',
  request: { params: ToolPath },
  responses: { 200: jsonResponse(Tool, 'The tool') },
  problems: [404],
});

const getToolVersion = route({
  operationId: 'getToolVersion',
  method: 'get',
  path: '/{tool_id}/versions/{version}',
  tags: ['tools'],
  summary: 'Get one version of a tool',
  description: 'Its contract, and `workers`: whether a worker polls its task queue.',
  request: { params: ToolVersionPath },
  responses: { 200: jsonResponse(ToolVersionDetail, 'The version, with its workers') },
  problems: [404],
});

const registerTool = route({
  operationId: 'registerTool',
  method: 'put',
  path: '/{tool_id}',
  tags: ['tools'],
  summary: 'Register a tool version',
  description:
    'Stores one version of a tool: its contract (`parameters` and `outputs` JSON Schemas 2020-12 of `type: object`) and where it runs (`task_queue`, `activity_type`, default the tool_id). A version never changes: the same contract again is answered 200 and changes nothing (a worker registers at every start); another contract for a stored version is a 409 `TOOL_VERSION_CONFLICT` whose `errors` name each field that differs. A new version lives beside the old ones. 422 names each field and rule broken (a schema that is not JSON Schema 2020-12 or not an object, an empty or too long `task_queue`, a `tool_id` that is not an identifier or begins with `sys`, a `version` that is not semver).',
  request: {
    params: z.object({ tool_id: RegistrableToolId }),
    body: jsonRequest(ToolRegistration),
  },
  responses: {
    200: jsonResponse(ToolVersionRef, 'The version, registered before with this same contract'),
    201: jsonResponse(ToolVersionRef, 'The version, registered now'),
  },
  problems: [409, 422],
  scope: 'admin',
});

const deprecateToolVersion = route({
  operationId: 'deprecateToolVersion',
  method: 'post',
  path: '/{tool_id}/versions/{version}/deprecate',
  tags: ['tools'],
  summary: 'Deprecate a tool version',
  description:
    'No new publish picks a deprecated version; workflow versions published against it keep running it. Versions are never deleted. Deprecating again changes nothing.',
  request: { params: ToolVersionPath },
  responses: { 200: jsonResponse(ToolVersionRef, 'The deprecated version') },
  problems: [404],
  scope: 'admin',
});

/** `/v1/tools`: the tool catalog, as stored in the database (built-in and external tools alike). */
export function toolRoutes(deps: AppDeps, liveness: ToolLiveness) {
  const tools = deps.store.tools;
  const now = () => (deps.now?.() ?? new Date()).toISOString();
  /** A tool version with its versions, each with who serves it. */
  const withVersions = async (tool: RegisteredTool, versions: readonly RegisteredTool[]): Promise<Tool> => {
    const [workers, summaries] = await Promise.all([
      liveness.workersOf(tool),
      Promise.all(
        versions.map(async (v) => ({
          version: v.version,
          deprecated: v.deprecated,
          registered_at: v.registered_at,
          workers: await liveness.workersOf(v),
        })),
      ),
    ]);
    return { ...tool, workers, versions: summaries };
  };
  return createRouter()
    .openapi(listTools, async (c) => {
      const latest = await tools.latest();
      const items = await Promise.all(
        latest.map(async (tool) => withVersions(tool, await tools.versions(tool.tool_id))),
      );
      return c.json({ items }, 200);
    })
    .openapi(getTool, async (c) => {
      const { tool_id } = c.req.valid('param');
      const versions = await tools.versions(tool_id);
      const current = versions.find((v) => !v.deprecated) ?? versions[0];
      if (!current) throw notFound('Tool', tool_id);
      return c.json(await withVersions(current, versions), 200);
    })
    .openapi(getToolVersion, async (c) => {
      const { tool_id, version } = c.req.valid('param');
      const tool = await tools.get(tool_id, version);
      if (!tool) throw notFound('Tool version', `${tool_id} ${version}`);
      return c.json({ ...tool, workers: await liveness.workersOf(tool) }, 200);
    })
    .openapi(registerTool, async (c) => {
      const { tool_id } = c.req.valid('param');
      const contract = toolContractOf(tool_id, c.req.valid('json'));
      const result = await tools.register(contract, now());
      if (result.ok) return c.json(result.tool, result.created ? 201 : 200);
      throw new ApiProblem(
        409,
        'TOOL_VERSION_CONFLICT',
        'Tool version registered with another contract',
        `${tool_id} ${contract.version} is registered with another ${result.differs.join(', ')}; a version never changes: register the change as a new version`,
        result.differs.map((field) => ({
          field,
          message: `differs from the registered ${tool_id} ${contract.version}`,
        })),
      );
    })
    .openapi(deprecateToolVersion, async (c) => {
      const { tool_id, version } = c.req.valid('param');
      const result = await tools.deprecate(tool_id, version);
      if (!result.ok) throw notFound('Tool version', `${tool_id} ${version}`);
      return c.json(result.tool, 200);
    });
}
