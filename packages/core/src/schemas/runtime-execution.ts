import { z } from 'zod';
import { RunStatus, StepRunStatus } from './run-state';

/**
 * Seed 001's `TRuntimeWorkflowStepExecution` (docs/contract.md), field for field (camelCase, as the seed).
 * `GET /v1/jobs/{job_id}/execution` answers it per step, and expressions read it as
 * `__steps__.<stepId>`.
 */
export const RuntimeStepExecution = z.object({
  /** The step execution's ID: `<run_id>:<step_id>`, unique across runs and resets. */
  id: z.string(),
  /** The step's type (`tool`, `sys.sub_workflow`, `sys.human_confirm`, `sys.wait`). */
  type: z.string(),
  stepId: z.string(),
  status: StepRunStatus,
  attempt: z.number().int().nonnegative(),
  startedAt: z.string().optional(),
  completedAt: z.string().optional(),
  failedAt: z.string().optional(),
  dueAt: z.string().optional(),
  outputData: z.record(z.string(), z.unknown()).optional(),
  childWorkflowExecutions: z.array(z.object({ id: z.string() })).optional(),
});
export type RuntimeStepExecution = z.infer<typeof RuntimeStepExecution>;

/** Seed 001's `TRuntimeWorkflowExecution`: one job's execution, as its runtime state. */
export const RuntimeWorkflowExecution = z.object({
  /** The job's ID, which is also its Temporal workflow ID. */
  id: z.string(),
  correlationId: z.string(),
  parentWorkflowExecutionId: z.string().optional(),
  rootWorkflowExecutionId: z.string().optional(),
  /** `<workflow_id>@<version>`: the exact template version the job runs. */
  workflowTemplateVersionId: z.string(),
  runtimeStatus: RunStatus,
  startedAt: z.string().optional(),
  completedAt: z.string().optional(),
  failedAt: z.string().optional(),
  lastActivityAt: z.string().optional(),
  /** The job's `context`, with `job_id`, `workflow_id` and `correlation_id`: `__context__` in expressions. */
  context: z.record(z.string(), z.unknown()),
  /** Each step's execution, by step execution ID. */
  steps: z.record(z.string(), RuntimeStepExecution),
});
export type RuntimeWorkflowExecution = z.infer<typeof RuntimeWorkflowExecution>;
