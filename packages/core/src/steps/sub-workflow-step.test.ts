import { describe, expect, it } from 'vitest';
import { newJobRecord } from '../jobs/new-job';
import { checkDefinitionAgainstTools } from '../jobs/definition-checks';
import { WorkflowDefinition } from '../schemas/workflow-definition';
import type { SubWorkflowRef, SubWorkflowTarget, WorkflowLookup } from './step-type';
import { childJobId, MAX_SUB_WORKFLOW_DEPTH } from './sub-workflow-step';

/** A lookup over published workflows given as `id → the sub-workflows it runs`. */
function lookupOf(
  self: string,
  graph: Record<string, SubWorkflowRef[]>,
  outputs: string[] = ['doubled'],
): WorkflowLookup {
  return {
    self,
    resolve: (workflowId, version): SubWorkflowTarget => {
      const refs = graph[workflowId];
      if (refs === undefined) return { found: false, message: `workflow '${workflowId}' does not exist` };
      return {
        found: true,
        workflow_id: workflowId,
        version: version ?? 1,
        output_variables: outputs,
        sub_workflows: refs,
      };
    },
  };
}

const parent = (sub: Record<string, unknown>, output_mappings: Record<string, string> = {}) =>
  WorkflowDefinition.parse({
    workflow_id: 'me',
    name: 'Me',
    steps: [{ step_id: 'child', type: 'sys.sub_workflow', sub_workflow: sub, output_mappings }],
  });

const issues = (def: WorkflowDefinition, lookup?: WorkflowLookup) =>
  checkDefinitionAgainstTools(def, [], undefined, lookup).map((i) => [i.rule, i.path.join('.'), i.message]);

describe('sys.sub_workflow publish rules', () => {
  it('accepts a published target, its outputs mapped by name', () => {
    expect(
      issues(
        parent({ workflow_id: 'leaf', mode: 'SINGLE', input_mappings: { n: 1 } }, { doubled: 'd' }),
        lookupOf('me', { leaf: [] }),
      ),
    ).toEqual([]);
  });

  it('refuses an iterable on SINGLE and its absence on BATCH, and a concurrency out of range', () => {
    expect(issues(parent({ workflow_id: 'leaf', mode: 'SINGLE', iterable: { const: [] } }))).toEqual([
      [
        'batch_iterable',
        'steps.0.sub_workflow.iterable',
        "step 'child': a SINGLE sub-workflow runs one child and takes no iterable; use mode BATCH",
      ],
    ]);
    expect(issues(parent({ workflow_id: 'leaf', mode: 'BATCH', max_concurrency: 0 }))).toEqual([
      [
        'batch_iterable',
        'steps.0.sub_workflow.iterable',
        "step 'child': a BATCH sub-workflow needs an iterable (the list to run one child per item of)",
      ],
      [
        'batch_concurrency_in_range',
        'steps.0.sub_workflow.max_concurrency',
        "step 'child': max_concurrency must be from 1 to 100, not 0",
      ],
    ]);
  });

  it('refuses a BATCH output other than results, and a SINGLE output the target does not have', () => {
    expect(
      issues(
        parent({ workflow_id: 'leaf', mode: 'BATCH', iterable: { expr: 'xs' } }, { doubled: 'd' }),
        lookupOf('me', { leaf: [] }),
      ),
    ).toEqual([
      [
        'known_outputs',
        'steps.0.output_mappings.doubled',
        "a BATCH sub-workflow has one output, 'results', not 'doubled'",
      ],
    ]);
    expect(
      issues(parent({ workflow_id: 'leaf', mode: 'SINGLE' }, { tripled: 't' }), lookupOf('me', { leaf: [] })),
    ).toEqual([
      [
        'known_outputs',
        'steps.0.output_mappings.tripled',
        "workflow 'leaf' version 1 has no output 'tripled'; its outputs are: doubled",
      ],
    ]);
  });

  it('refuses a missing target, a cycle (back to itself or among others) and nesting deeper than the limit', () => {
    expect(issues(parent({ workflow_id: 'gone', mode: 'SINGLE' }), lookupOf('me', {}))).toEqual([
      ['sub_workflow_published', 'steps.0.sub_workflow.workflow_id', "step 'child': workflow 'gone' does not exist"],
    ]);
    expect(
      issues(
        parent({ workflow_id: 'a', mode: 'SINGLE' }),
        lookupOf('me', { a: [{ workflow_id: 'b' }], b: [{ workflow_id: 'me' }] }),
      ),
    ).toEqual([
      [
        'sub_workflow_no_cycle',
        'steps.0.sub_workflow.workflow_id',
        "step 'child': sub-workflows lead back in a cycle: me → a → b → me",
      ],
    ]);
    expect(
      issues(
        parent({ workflow_id: 'a', mode: 'SINGLE' }),
        lookupOf('me', { a: [{ workflow_id: 'b' }], b: [{ workflow_id: 'a' }] }),
      )[0]?.[2],
    ).toBe("step 'child': sub-workflows lead back in a cycle: a → b → a");
    const chain = (n: number) =>
      Object.fromEntries(
        Array.from({ length: n }, (_, i) => [`d${i}`, i + 1 < n ? [{ workflow_id: `d${i + 1}` }] : []]),
      );
    expect(
      issues(parent({ workflow_id: 'd0', mode: 'SINGLE' }), lookupOf('me', chain(MAX_SUB_WORKFLOW_DEPTH))),
    ).toEqual([]);
    expect(
      issues(parent({ workflow_id: 'd0', mode: 'SINGLE' }), lookupOf('me', chain(MAX_SUB_WORKFLOW_DEPTH + 1))),
    ).toEqual([
      [
        'sub_workflow_depth',
        'steps.0.sub_workflow.workflow_id',
        "step 'child': workflow 'd0' nests sub-workflows 6 levels deep; at most 5 levels are allowed",
      ],
    ]);
  });
});

describe('sub-workflow jobs', () => {
  it('names children deterministically, a BATCH child by its item', () => {
    expect(childJobId('job_1', 'fan')).toBe('job_1--fan');
    expect(childJobId('job_1', 'fan', 2)).toBe('job_1--fan--2');
  });

  it("pins a new job's unpinned sub-workflow steps to the version resolved at creation, leaving pinned ones as they are", () => {
    const def = WorkflowDefinition.parse({
      workflow_id: 'me',
      name: 'Me',
      steps: [
        { step_id: 'a', type: 'sys.sub_workflow', sub_workflow: { workflow_id: 'leaf', mode: 'SINGLE' } },
        { step_id: 'b', type: 'sys.sub_workflow', sub_workflow: { workflow_id: 'leaf', mode: 'SINGLE', version: 1 } },
      ],
    });
    const job = newJobRecord(
      { ...def, version: 1 },
      { job_id: 'job_1', correlation_id: 'c', context: {}, sub_workflow_versions: { leaf: 4 } },
      '2031-01-01T00:00:00.000Z',
    );
    expect(job.steps.map((s) => (s.type === 'sys.sub_workflow' ? s.sub_workflow.version : undefined))).toEqual([4, 1]);
    expect(job).toMatchObject({ name: 'Me', workflow_version: 1, input_errors: {}, correlation_id: 'c' });
  });
});
