import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowCancellationType,
  ChildWorkflowFailure,
  condition,
  isCancellation,
  ParentClosePolicy,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { JOB_WORKFLOW_TYPE, pauseSignal, resumeSignal, type ComposedJobWorkflow } from '../job-workflow-contract';
import type { DefinitionIssue } from '../model/definition-issue';
import type { ComposedJobInput, JobWorkflowResult } from '../schemas/job-workflow-input';
import { applyOutputMappings, resolveMappings, resolveValue, type ValueScope } from '../model/mappings';
import { expressionDocumentOf } from '../model/run-views';
import type { RunError } from '../schemas/run-state';
import type { SchemaValue, Variables } from '../schemas/schema-value';
import type { SubWorkflowStep } from '../schemas/step-definition';
import { mappingReads, sourceReads } from './mapping-rules';
import {
  defineStepType,
  type StepCheckContext,
  type StepExecution,
  type StepOutcome,
  type WorkflowLookup,
} from './step-type';

/** The most children a BATCH step runs at once. */
export const MAX_SUB_WORKFLOW_CONCURRENCY = 100;
/** A BATCH step's concurrency when it names none. */
export const DEFAULT_SUB_WORKFLOW_CONCURRENCY = 10;
/** How many levels of sub-workflows a job may have below it. */
export const MAX_SUB_WORKFLOW_DEPTH = 5;
/**
 * Most items a BATCH runs children for: each child costs the parent's history about eight
 * events, so a thousand fit in one execution with room for the rest of the job.
 */
export const MAX_BATCH_ITEMS = 1_000;

/** The one output of a BATCH step. */
const BATCH_OUTPUT = 'results';

/** The workflow ID (and so the `job_id`) of a sub-workflow step's child: `item` for a BATCH child. */
export function childJobId(jobId: string, stepId: string, item?: number): string {
  return item === undefined ? `${jobId}--${stepId}` : `${jobId}--${stepId}--${item}`;
}

/** The sub-workflow step type. */
export const subWorkflowStep = defineStepType<SubWorkflowStep>({
  type: 'sys.sub_workflow',
  runsActivity: false,
  recordsRun: () => false,
  label: (step) => subWorkflowLabel(step),
  sources: (step) => [
    ...Object.entries(step.sub_workflow.input_mappings).map(([name, source]) => ({
      source,
      path: ['sub_workflow', 'input_mappings', name],
    })),
    ...(step.sub_workflow.iterable !== undefined
      ? [{ source: step.sub_workflow.iterable, path: ['sub_workflow', 'iterable'] }]
      : []),
  ],
  reads: (step, declared) => [
    ...mappingReads(step.sub_workflow.input_mappings, declared, 'sub_workflow').map((use) => ({
      ...use,
      path: ['sub_workflow', 'input_mappings', ...use.path.slice(1)],
    })),
    ...(step.sub_workflow.iterable !== undefined
      ? sourceReads(step.sub_workflow.iterable, declared, ['sub_workflow', 'iterable'])
      : []),
  ],
  writes: (step) =>
    Object.entries(step.output_mappings).map(([output, variable]) => ({ variable, path: ['output_mappings', output] })),
  variablesFrom: (step, outputs) => {
    const mapped = applyOutputMappings(step.output_mappings, outputs);
    return mapped.ok ? mapped.written : {};
  },
  writtenSchemas: () => ({}),
  check: checkSubWorkflowStep,
  execute: (step, ctx) => (step.sub_workflow.mode === 'SINGLE' ? runSingle(step, ctx) : runBatch(step, ctx)),
});

/** Publish-time rules of a sub-workflow step (see the rule table in docs/workflow-versions.md). */
function checkSubWorkflowStep(step: SubWorkflowStep, ctx: StepCheckContext): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const sub = step.sub_workflow;
  const at = (...path: (string | number)[]): (string | number)[] => [...ctx.path, ...path];
  if (sub.mode === 'BATCH' && sub.iterable === undefined) {
    issues.push({
      rule: 'batch_iterable',
      path: at('sub_workflow', 'iterable'),
      message: `step '${step.step_id}': a BATCH sub-workflow needs an iterable (the list to run one child per item of)`,
    });
  }
  if (sub.mode === 'SINGLE' && sub.iterable !== undefined) {
    issues.push({
      rule: 'batch_iterable',
      path: at('sub_workflow', 'iterable'),
      message: `step '${step.step_id}': a SINGLE sub-workflow runs one child and takes no iterable; use mode BATCH`,
    });
  }
  if (
    sub.max_concurrency !== undefined &&
    (sub.mode !== 'BATCH' || sub.max_concurrency < 1 || sub.max_concurrency > MAX_SUB_WORKFLOW_CONCURRENCY)
  ) {
    issues.push({
      rule: 'batch_concurrency_in_range',
      path: at('sub_workflow', 'max_concurrency'),
      message:
        sub.mode !== 'BATCH'
          ? `step '${step.step_id}': max_concurrency applies to BATCH sub-workflows only`
          : `step '${step.step_id}': max_concurrency must be from 1 to ${MAX_SUB_WORKFLOW_CONCURRENCY}, not ${sub.max_concurrency}`,
    });
  }
  if (sub.mode === 'BATCH') {
    for (const output of Object.keys(step.output_mappings)) {
      if (output !== BATCH_OUTPUT)
        issues.push({
          rule: 'known_outputs',
          path: at('output_mappings', output),
          message: `a BATCH sub-workflow has one output, '${BATCH_OUTPUT}', not '${output}'`,
        });
    }
  }
  const lookup = ctx.workflows;
  if (lookup === undefined) return issues;
  const target = lookup.resolve(sub.workflow_id, sub.version);
  if (!target.found) {
    issues.push({
      rule: 'sub_workflow_published',
      path: at('sub_workflow', sub.version !== undefined ? 'version' : 'workflow_id'),
      message: `step '${step.step_id}': ${target.message}`,
    });
    return issues;
  }
  if (sub.mode === 'SINGLE') {
    for (const output of Object.keys(step.output_mappings)) {
      if (!target.output_variables.includes(output)) {
        issues.push({
          rule: 'known_outputs',
          path: at('output_mappings', output),
          message: `workflow '${sub.workflow_id}' version ${target.version} has no output '${output}'; its outputs are: ${target.output_variables.join(', ') || 'none'}`,
        });
      }
    }
  }
  const chain = cycleThrough(lookup, lookup.self, sub.workflow_id, sub.version);
  if (chain !== undefined) {
    issues.push({
      rule: 'sub_workflow_no_cycle',
      path: at('sub_workflow', 'workflow_id'),
      message: `step '${step.step_id}': sub-workflows lead back in a cycle: ${chain.join(' → ')}`,
    });
    return issues;
  }
  const depth = depthOf(lookup, sub.workflow_id, sub.version, 0);
  if (depth > MAX_SUB_WORKFLOW_DEPTH) {
    issues.push({
      rule: 'sub_workflow_depth',
      path: at('sub_workflow', 'workflow_id'),
      message: `step '${step.step_id}': workflow '${sub.workflow_id}' nests sub-workflows ${depth} levels deep; at most ${MAX_SUB_WORKFLOW_DEPTH} levels are allowed`,
    });
  }
  return issues;
}

/** The first cycle reachable from a target (the workflow being checked counts as on the path), as workflow IDs. */
function cycleThrough(
  lookup: WorkflowLookup,
  self: string | undefined,
  workflowId: string,
  version: number | undefined,
): string[] | undefined {
  const walk = (id: string, pinned: number | undefined, path: string[]): string[] | undefined => {
    if (path.includes(id)) return [...path.slice(path.indexOf(id)), id];
    const target = lookup.resolve(id, pinned);
    if (!target.found) return undefined;
    for (const ref of target.sub_workflows) {
      const found = walk(ref.workflow_id, ref.version, [...path, id]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(workflowId, version, self !== undefined ? [self] : []);
}

/** Levels of sub-workflows from a target down (a target with none is 1); stops counting past the limit. */
function depthOf(lookup: WorkflowLookup, workflowId: string, version: number | undefined, above: number): number {
  if (above > MAX_SUB_WORKFLOW_DEPTH) return above;
  const target = lookup.resolve(workflowId, version);
  if (!target.found) return 1;
  let deepest = 0;
  for (const ref of target.sub_workflows)
    deepest = Math.max(deepest, depthOf(lookup, ref.workflow_id, ref.version, above + 1));
  return deepest + 1;
}

/** Runs one child job and maps its outputs. */
async function runSingle(step: SubWorkflowStep, ctx: StepExecution): Promise<StepOutcome> {
  const inputs = await resolveMappings(step.sub_workflow.input_mappings, ctx.scope);
  if (!inputs.ok) return expressionFailed(`input '${inputs.path.join('.')}'`, inputs.expression, inputs.message);
  const children = new ChildSet(ctx);
  const id = childJobId(ctx.run.job_id, step.step_id);
  try {
    const outcome = await children.run(step, id, inputs.values);
    if (!outcome.ok) return { status: 'Failed', error: outcome.error, attempt: 1 };
    const outputs = outcome.result.output_data;
    const mapped = applyOutputMappings(step.output_mappings, outputs);
    if (!mapped.ok) {
      return {
        status: 'Failed',
        error: {
          code: 'MAPPING_FAILED',
          message: `Sub-workflow job '${id}' has no output named ${mapped.missing.map((m) => `'${m}'`).join(', ')}`,
        },
        attempt: 1,
      };
    }
    return { status: 'Completed', outputs, written: mapped.written, attempt: 1 };
  } finally {
    children.close();
  }
}

/** Runs one child job per item of the iterable, at most `max_concurrency` at a time. */
async function runBatch(step: SubWorkflowStep, ctx: StepExecution): Promise<StepOutcome> {
  const sub = step.sub_workflow;
  const iterable = await resolveValue(sub.iterable ?? null, ctx.scope, ['sub_workflow', 'iterable']);
  if (!iterable.ok) return expressionFailed('iterable', iterable.expression, iterable.message);
  const items = iterable.value ?? [];
  if (!Array.isArray(items)) {
    return {
      status: 'Failed',
      error: {
        code: 'MAPPING_FAILED',
        message: `The iterable of step '${step.step_id}' gave ${JSON.stringify(items)}, not a list`,
      },
      attempt: 1,
    };
  }
  if (items.length > MAX_BATCH_ITEMS) {
    return {
      status: 'Failed',
      error: {
        code: 'BATCH_TOO_LARGE',
        message: `The iterable of step '${step.step_id}' gave ${items.length} items; a BATCH runs at most ${MAX_BATCH_ITEMS} (split the list across steps or nested sub-workflows)`,
      },
      attempt: 1,
    };
  }
  // Each item's inputs are resolved first, so an expression failing for one item starts no child.
  const inputs: Variables[] = [];
  for (const [i, item] of items.entries()) {
    const scope: ValueScope = { ...ctx.scope, document: () => expressionDocumentOf(ctx.run, { item }) };
    const resolved = await resolveMappings(sub.input_mappings, scope);
    if (!resolved.ok)
      return expressionFailed(
        `input '${resolved.path.join('.')}' for item ${i}`,
        resolved.expression,
        resolved.message,
      );
    inputs.push(resolved.values);
  }
  const limit = Math.min(
    Math.max(1, sub.max_concurrency ?? DEFAULT_SUB_WORKFLOW_CONCURRENCY),
    MAX_SUB_WORKFLOW_CONCURRENCY,
  );
  const children = new ChildSet(ctx);
  const results: SchemaValue[] = new Array<SchemaValue>(items.length).fill(null);
  let failure: RunError | undefined;
  // The children run in a scope of their own: a fail-fast failure cancels it, and with it every
  // running child (each waits for its child to finish cancelling), and starts no more.
  const scope = new CancellationScope();
  try {
    await scope.run(async () => {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < items.length && failure === undefined) {
          const i = next++;
          const outcome = await children.run(step, childJobId(ctx.run.job_id, step.step_id, i), inputs[i] ?? {});
          if (!outcome.ok) {
            if (sub.failure_policy === 'continue') {
              results[i] = { error: outcome.error.message };
              continue;
            }
            failure ??= outcome.error;
            scope.cancel();
            return;
          }
          results[i] = outcome.result.output_data;
        }
      };
      // Settled, not raced: the step ends only once every child it started has stopped.
      const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
      const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      // Our own cancellation after a failure ends the step with that failure; any other is the run's.
      if (rejected !== undefined && !(failure !== undefined && isCancellation(rejected.reason))) throw rejected.reason;
    });
  } finally {
    children.close();
  }
  if (failure !== undefined) return { status: 'Failed', error: failure, attempt: 1 };
  const outputs: Variables = { [BATCH_OUTPUT]: results };
  const mapped = applyOutputMappings(step.output_mappings, outputs);
  return { status: 'Completed', outputs, written: mapped.ok ? mapped.written : {}, attempt: 1 };
}

function expressionFailed(where: string, expression: string, message: string): StepOutcome {
  return {
    status: 'Failed',
    error: { code: 'EXPRESSION_FAILED', message: `The expression of ${where} (${expression}) failed: ${message}` },
    attempt: 1,
  };
}

/**
 * A step's running children: lists each in the step's run record as it starts (so the
 * runtime view's `childWorkflowExecutions` and the Job view show it), and relays the
 * parent's pause and resume to the running ones while the step runs.
 */
class ChildSet {
  private readonly running = new Set<ChildWorkflowHandle<ComposedJobWorkflow>>();
  private readonly started: { id: string }[] = [];
  private open = true;
  private relayed: boolean;

  constructor(private readonly ctx: StepExecution) {
    this.relayed = ctx.run.paused;
    // Handled: a cancelled run rejects the relay's wait, which must not fail the workflow task.
    this.relay().catch(() => undefined);
  }

  /** Starts one child and waits for it: its result, or the failure that ends it (a cancellation of the parent is rethrown). */
  async run(
    step: SubWorkflowStep,
    id: string,
    inputValues: Variables,
  ): Promise<{ ok: true; result: JobWorkflowResult } | { ok: false; error: RunError }> {
    const { run } = this.ctx;
    const input: ComposedJobInput = {
      workflow_id: step.sub_workflow.workflow_id,
      ...(step.sub_workflow.version !== undefined && { version: step.sub_workflow.version }),
      input_values: inputValues,
      context: run.context,
      correlation_id: run.correlation_id,
    };
    let handle: ChildWorkflowHandle<ComposedJobWorkflow>;
    try {
      handle = await startChild<ComposedJobWorkflow>(JOB_WORKFLOW_TYPE, {
        workflowId: id,
        taskQueue: workflowInfo().taskQueue,
        args: [input],
        // The step ends only once its children have stopped, so none outlives a cancelled step;
        // a parent that closes anyway (terminated) asks its children to cancel.
        cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        // The Web UI names the child by its step, as it names a tool step's activity.
        staticSummary: `${step.step_id}: ${step.name ?? subWorkflowLabel(step)}`,
      });
    } catch (err) {
      if (isCancellation(err)) throw err;
      // A workflow of that ID still running (an earlier run's child not yet stopped): the step fails, saying so.
      return {
        ok: false,
        error: {
          code: 'SUB_WORKFLOW_FAILED',
          message: `Sub-workflow job '${id}' could not start: ${err instanceof Error ? err.message : String(err)}`,
        },
      };
    }
    this.started.push({ id });
    this.ctx.update({
      children: [...this.started],
      progress: `${this.started.length} child ${this.started.length === 1 ? 'job' : 'jobs'} started`,
    });
    this.running.add(handle);
    // A child started while the parent is paused pauses too.
    if (this.relayed) await handle.signal(pauseSignal);
    try {
      return { ok: true, result: await handle.result() };
    } catch (err) {
      if (isCancellation(err)) throw err;
      return { ok: false, error: childFailure(id, err) };
    } finally {
      this.running.delete(handle);
    }
  }

  /** Stops relaying pauses (the step has ended). */
  close(): void {
    this.open = false;
  }

  /** While the step runs, each change of the parent's pause is signalled to every running child. */
  private async relay(): Promise<void> {
    for (;;) {
      await condition(() => !this.open || this.ctx.run.paused !== this.relayed);
      if (!this.open) return;
      this.relayed = this.ctx.run.paused;
      const signal = this.relayed ? pauseSignal : resumeSignal;
      await Promise.all([...this.running].map((child) => child.signal(signal).catch(() => undefined)));
    }
  }
}

/** A child's failure as the step's error: the child's own message. */
function childFailure(id: string, err: unknown): RunError {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  const code =
    cause instanceof ApplicationFailure && cause.type !== undefined && cause.type !== null ? cause.type : 'JOB_FAILED';
  return {
    code: code === 'JOB_FAILED' ? 'SUB_WORKFLOW_FAILED' : code,
    message: `Sub-workflow job '${id}' failed: ${message}`,
  };
}

/** How a sub-workflow step is named when it has no `name`. */
function subWorkflowLabel(step: SubWorkflowStep): string {
  return `Sub-workflow ${step.sub_workflow.workflow_id}${step.sub_workflow.mode === 'BATCH' ? ' (batch)' : ''}`;
}
