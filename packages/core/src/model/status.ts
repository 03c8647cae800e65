import { z } from 'zod';

/** Job and step status words on the wire (seed 002). */
export const JobStatus = z.enum(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED']);
export type JobStatus = z.infer<typeof JobStatus>;

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
