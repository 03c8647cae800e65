import { z } from 'zod';

/** Job status words on the wire (seed 002, docs/contract.md): a projection of the run's `RunStatus`. */
export const JobStatus = z.enum(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED']);
export type JobStatus = z.infer<typeof JobStatus>;

/** A job step's status in the Job view: seed 002's words, plus DISABLED for a step switched off by its activation policy. */
export const JobStepStatus = z.enum(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'DISABLED']);
export type JobStepStatus = z.infer<typeof JobStepStatus>;

/** Lifecycle of a workflow template (seed 000). */
export const WorkflowStatus = z.enum(['DRAFT', 'PUBLISHED', 'ARCHIVED']);
export type WorkflowStatus = z.infer<typeof WorkflowStatus>;

/** True once a job can no longer change by itself. */
export function isTerminalJobStatus(status: JobStatus): boolean {
  switch (status) {
    case 'COMPLETED':
    case 'FAILED':
      return true;
    case 'PENDING':
    case 'RUNNING':
      return false;
  }
}
