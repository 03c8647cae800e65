/**
 * The recorded runs of composition and sub-workflows: child job workflows that create their
 * own jobs, started composed (by workflow ID) or from a sub-workflow step, single or batched.
 */
import { JOB_WORKFLOW_TYPE, WorkflowDefinition, type JobWorkflowInput } from '@ordo/core';
import { step } from './recorded-steps';
import { recordingStarts, save } from './recording-runs';
import type { RecordingSession } from './recording-session';

/** Records the wanted `composed-start` and `sub-workflow-*` constructs, in the order the script has always recorded them. */
export async function recordComposition(session: RecordingSession): Promise<void> {
  const { wanted, store, client, taskQueue } = session;
  const { start } = recordingStarts(session);

  // The published child every construct here runs; created once, only when one of them is wanted.
  const childWorkflow = 'rec_child_double';
  if (
    ['composed-start', 'sub-workflow-single', 'sub-workflow-batch'].some(wanted) &&
    !(await store.workflows.get(childWorkflow))
  ) {
    await store.workflows.create(
      WorkflowDefinition.parse({
        workflow_id: childWorkflow,
        name: 'Double',
        status: 'PUBLISHED',
        input_variables: [{ variable_id: 'n', name: 'n', schema: { type: 'number' }, required: true }],
        steps: [step('double', 'noop', { value: { expr: 'n * 2' } }, { output_mappings: { value: 'doubled' } })],
        output_variables: ['doubled'],
      }),
      new Date().toISOString(),
    );
  }
  if (wanted('composed-start')) {
    const composed: JobWorkflowInput = {
      workflow_id: childWorkflow,
      input_values: { n: 21 },
      correlation_id: 'corr-composed',
    };
    await save(
      'composed-start',
      await client.workflow.start(JOB_WORKFLOW_TYPE, {
        workflowId: 'composed-start-recording',
        taskQueue,
        args: [composed],
      }),
    );
  }
  if (wanted('sub-workflow-single')) {
    await save(
      'sub-workflow-single',
      await start('sub-single', [
        {
          step_id: 'child',
          type: 'sys.sub_workflow',
          sub_workflow: { workflow_id: childWorkflow, mode: 'SINGLE', input_mappings: { n: 4 } },
          output_mappings: { doubled: 'doubled' },
        },
        step('after', 'noop', { value: 'doubled' }),
      ]),
    );
  }
  if (wanted('sub-workflow-batch')) {
    await save(
      'sub-workflow-batch',
      await start('sub-batch', [
        {
          step_id: 'fan',
          type: 'sys.sub_workflow',
          sub_workflow: {
            workflow_id: childWorkflow,
            mode: 'BATCH',
            iterable: { const: [1, 2, 3] },
            input_mappings: { n: { expr: '__each__' } },
            max_concurrency: 2,
          },
          output_mappings: { results: 'results' },
        },
      ]),
    );
  }
}
