import type { RecordedEnding, RunRecording, StepAddress } from '../schemas/activity-contract';
import type { DefinitionIssue } from '../model/definition-issue';
import type { RunError, RunState, StepRun } from '../schemas/run-state';
import type { SchemaValue, Variables } from '../schemas/schema-value';
import type { ValueScope } from '../model/mappings';
import type { StepInbox } from './step-inbox';
import type { JsonSchemaDocument, RunTool } from '../schemas/tool-descriptor';
import type { ToolLookup } from '../model/tool-lookup';

/** A job variable a step reads or writes, and where in the step (a path relative to the step). */
export interface VariableUse {
  variable: string;
  path: (string | number)[];
}

/** A sub-workflow a step names: the workflow ID and its pinned version, if any. */
export interface SubWorkflowRef {
  workflow_id: string;
  version?: number;
}

/** A workflow as a job of it would run it (its pinned version, else its latest PUBLISHED one), or why there is none. */
export type SubWorkflowTarget =
  | { found: true; workflow_id: string; version: number; output_variables: string[]; sub_workflows: SubWorkflowRef[] }
  | { found: false; message: string };

/**
 * Other workflows, as the publish-time check of a sub-workflow step sees them: answered
 * synchronously from what the caller (the API) loaded beforehand, since step modules are
 * workflow code and do no I/O.
 */
export interface WorkflowLookup {
  /** The workflow being checked: a sub-workflow chain that reaches it again is a cycle. */
  self: string;
  resolve(workflowId: string, version: number | undefined): SubWorkflowTarget;
}

/** What a step's publish-time check may consult. */
export interface StepCheckContext {
  /** The tool catalog: a tool step's reference resolved to the version it pins, or the newest. */
  tools: ToolLookup;
  /** Every variable the definition declares: its inputs and every output mapping target. */
  declared: ReadonlySet<string>;
  /**
   * The JSON Schema of each variable as this step sees it, where known: an input's schema,
   * or the catalog's schema of the output an earlier step writes into it (the last such step).
   */
  variables: ReadonlyMap<string, JsonSchemaDocument>;
  /** JSON path of this step within the definition, e.g. `['steps', 2]`. */
  path: (string | number)[];
  /**
   * Checks a literal value against a JSON Schema (a tool parameter's), answering what is
   * wrong or undefined. Supplied by the caller (the API, with a JSON Schema validator), so
   * step modules, which are workflow code, load no validator; without it literals are not checked.
   */
  checkLiteral?: (schema: JsonSchemaDocument, value: SchemaValue) => string | undefined;
  /** Other workflows, for sub-workflow steps; without it their targets are not checked. */
  workflows?: WorkflowLookup;
}

/** What a step's executor gets from the interpreter. */
export interface StepExecution {
  /** The run as it stands; read-only to executors, which change it only through `update`. */
  run: Readonly<RunState>;
  /** The step's position in execution order. */
  index: number;
  /** Which job, run and step an activity call works for. */
  address: StepAddress;
  variables: Readonly<Record<string, SchemaValue>>;
  declared: ReadonlySet<string>;
  /** Resolves the step's value sources: variables, `{const}`, `{var}`, `{expr}` (with `__steps__`, `__context__`). */
  scope: ValueScope;
  /** Run defaults of the tools this run is offered, by `toolKey` (`tool_id@version` when pinned); a missing tool is unknown. */
  tools: Readonly<Record<string, RunTool>>;
  /** Messages addressed to steps (a confirmation) while they wait for them. */
  inbox: StepInbox;
  /** Records facts about the running step (its attempt bound, a due time, children) in the run state. */
  update(patch: Partial<Pick<StepRun, 'attempt' | 'max_attempts' | 'due_at' | 'children' | 'progress'>>): void;
  /**
   * For a run begun from a prepared start: what the step's activity records of the run
   * (see `RunRecording`; the executor adds the step's start time, attempt bound and output mappings). A step
   * type that runs no such activity leaves the records to the workflow.
   */
  recording?: { claim?: RunRecording['claim']; finish?: Omit<NonNullable<RunRecording['finish']>, 'output_mappings'> };
}

/**
 * How a step ended, when it did not throw a cancellation. A step whose activity recorded
 * it (`recording` was given) says when (`ended_at`, the time the run state must record) and
 * what it recorded.
 */
export type StepOutcome =
  | {
      status: 'Completed';
      outputs: Variables;
      written: Variables;
      attempt?: number;
      ended_at?: string;
      recorded?: RecordedEnding;
    }
  | { status: 'Failed'; error: RunError; attempt?: number };

/**
 * One step type: what it reads and writes, its publish-time check, and its executor (its
 * schema is in `schemas/step-definition.ts`). The interpreter knows step types only through this interface, found in the
 * exhaustive `STEP_TYPES` map, so a new step type is a new file, not a new branch.
 */
export interface StepType<S extends { type: string; step_id: string }> {
  type: S['type'];
  /** How the step is named in live output and the Web UI when it has no `name`. */
  label(step: S): string;
  /** The step waits for an activity (a tool's): the interpreter counts that wait in its expression pacing. */
  runsActivity: boolean;
  /**
   * The step's activity records the run of a prepared start (claim, step, ending: see
   * `StepExecution.recording`); otherwise the workflow records the step as begun. Only
   * Ordo's own worker records in its activities: an external tool's step is recorded by the workflow.
   */
  recordsRun(step: S, tools: Readonly<Record<string, RunTool>>): boolean;
  /** The step's value sources (see `model/mappings.ts`), each with its path in the step: every expression in them must parse. */
  sources(step: S): { source: SchemaValue; path: (string | number)[] }[];
  /** Job variables the step reads (for ordering rules and the output rule). */
  reads(step: S, declared: ReadonlySet<string>): VariableUse[];
  /** Job variables the step writes. */
  writes(step: S): VariableUse[];
  /**
   * The job variables a completed step's outputs write: how its executor maps them, and how
   * a retry rebuilds the variables of the steps it reuses.
   */
  variablesFrom(step: S, outputs: Variables): Variables;
  /**
   * The JSON Schema of each variable the step writes, where the catalog knows it (for the
   * type checks of the steps after it); a variable left out is of unknown type.
   */
  writtenSchemas(step: S, tools: ToolLookup): Record<string, JsonSchemaDocument>;
  /** Publish-time checks beyond the schema. */
  check(step: S, ctx: StepCheckContext): DefinitionIssue[];
  /** Runs the step inside the job workflow; rethrows cancellation. */
  execute(step: S, ctx: StepExecution): Promise<StepOutcome>;
}

/** Infers a step type's types from its definition. */
export function defineStepType<S extends { type: string; step_id: string }>(stepType: StepType<S>): StepType<S> {
  return stepType;
}

/** When the running step began, in epoch milliseconds (due times count from it). */
export function stepBeganAt(ctx: StepExecution): number {
  const began = Date.parse(ctx.run.steps[ctx.index]?.started_at ?? '');
  return Number.isNaN(began) ? Date.now() : began;
}
