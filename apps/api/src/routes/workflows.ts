import { Hono } from 'hono';
import { checkDefinitionAgainstTools, WorkflowDefinition } from '@ordo/core';
import type { AppDeps } from '../deps';
import { createLiteralCheck } from '../literal-check';
import { ApiProblem, notFound, validationProblem } from '../problem';
import { validate } from '../validate';

/** `/v1/workflows`: versioned workflow templates. */
export function workflowRoutes(deps: AppDeps) {
  const checkLiteral = createLiteralCheck();
  return new Hono()
    .post('/', validate('json', WorkflowDefinition), async (c) => {
      const definition = c.req.valid('json');
      const issues = checkDefinitionAgainstTools(definition, deps.tools, checkLiteral);
      if (issues.length > 0) throw validationProblem(issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
      const result = await deps.store.workflows.create(definition, (deps.now?.() ?? new Date()).toISOString());
      if (!result.ok) {
        throw new ApiProblem(409, 'WORKFLOW_EXISTS', 'Workflow exists', `workflow '${definition.workflow_id}' already exists`, [
          { field: 'workflow_id', message: 'must be unique' },
        ]);
      }
      return c.json(result.workflow, 201, { Location: `/v1/workflows/${definition.workflow_id}` });
    })
    .get('/', async (c) => c.json({ items: await deps.store.workflows.listLatest() }))
    .get('/:workflow_id', async (c) => {
      const id = c.req.param('workflow_id');
      const workflow = await deps.store.workflows.get(id);
      if (!workflow) throw notFound('Workflow', id);
      return c.json(workflow);
    });
}
