import { declaredVariables } from './definition-queries';
import { effectiveInputs } from '../model/input-validation';
import type { JobRecord } from '../schemas/job';
import type { PreparedStart, StepBatch } from '../schemas/run-store-contract';
import type { StepRun } from '../schemas/run-state';
import type { Variables } from '../schemas/schema-value';
import type { RunTool } from '../schemas/tool-descriptor';
import { stepTypeOf } from '../steps';
import { runLineageOf } from '../model/run-transitions';
import { toolKey } from '../model/tool-lookup';

/** Steps sent to the workflow per batch, at most: a slice of a 10,000-step job stays well under the payload limit. */
const MAX_STEPS_PER_BATCH = 200;
/** …and at most about this many bytes of step definitions. */
const MAX_BATCH_BYTES = 256 * 1024;

/**
 * The slice of a job's steps from `from` that a run is sent at once, with the run defaults
 * of the tools it uses among `tools`, by `toolKey` (a tool missing there is unknown to the run).
 */
export function stepBatchOf(
  job: Pick<JobRecord, 'steps'>,
  from: number,
  tools: Readonly<Record<string, RunTool>>,
): StepBatch {
  const steps = [];
  let bytes = 0;
  for (let i = from; i < job.steps.length && steps.length < MAX_STEPS_PER_BATCH; i++) {
    const step = job.steps[i]!;
    const size = JSON.stringify(step).length;
    if (steps.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    steps.push(step);
    bytes += size;
  }
  const used = new Set(steps.flatMap((s) => (s.type === 'tool' ? [toolKey(s.tool)] : [])));
  return { from, steps, tools: Object.fromEntries(Object.entries(tools).filter(([id]) => used.has(id))) };
}

/**
 * What a run begins with: the inputs, unset ones with their defaults (exactly what
 * validation accepted), and for a retry the variables its reused steps wrote, in order.
 */
export function runStartVariables(
  job: Pick<JobRecord, 'input_variables' | 'input_values' | 'steps'>,
  reused: readonly StepRun[],
): Variables {
  const variables: Variables = effectiveInputs(job.input_variables, job.input_values);
  for (const step of [...reused].sort((a, b) => a.index - b.index)) {
    const definition = job.steps[step.index];
    if (definition && step.outputs)
      Object.assign(variables, stepTypeOf(definition).variablesFrom(definition, step.outputs));
  }
  return variables;
}

/** What every start of a run takes from its job: who it is, the variables it begins with, the steps from `from` on. */
export type JobStartFields = Omit<PreparedStart, 'revision'>;

/**
 * The part of a run's start read from its job (see `RunStart`): the same for a first run, a
 * retry and a continued execution, which differ in `variables` and where they begin.
 */
export function jobStartFields(
  job: JobRecord,
  variables: Variables,
  from: number,
  tools: Readonly<Record<string, RunTool>>,
): JobStartFields {
  return {
    ...runLineageOf(job),
    name: job.name,
    variables,
    declared: [...declaredVariables(job)],
    output_variables: job.output_variables,
    total_steps: job.steps.length,
    first: stepBatchOf(job, from, tools),
  };
}

/**
 * A first run's start, prepared from a PENDING job as stored at `revision` (see
 * `PreparedStart`), with the run defaults of `tools`, the tools the runs are offered.
 */
export function preparedStartOf(
  job: JobRecord,
  revision: number,
  tools: Readonly<Record<string, RunTool>>,
): PreparedStart {
  return { ...jobStartFields(job, runStartVariables(job, []), 0, tools), revision };
}
