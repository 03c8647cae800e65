import { z } from 'zod';

/** Why a tool activity failed; the `type` of the `ApplicationFailure` it throws. */
export const ToolErrorCode = z.enum([
  'INVALID_PARAMETERS',
  'FILE_NOT_FOUND',
  'UNSUPPORTED_FILE_TYPE',
  'PDF_INVALID',
  'PDF_PASSWORD_PROTECTED',
  'TOOL_FAILED',
]);
export type ToolErrorCode = z.infer<typeof ToolErrorCode>;

/** Whether trying the same call again could succeed; the job workflow stops retrying the others. */
export function isRetryableToolError(code: ToolErrorCode): boolean {
  switch (code) {
    case 'INVALID_PARAMETERS':
    case 'FILE_NOT_FOUND':
    case 'UNSUPPORTED_FILE_TYPE':
    case 'PDF_INVALID':
    case 'PDF_PASSWORD_PROTECTED':
      return false;
    case 'TOOL_FAILED':
      return true;
  }
}

/**
 * The `type` of the failure a job workflow run ends with: its start arguments were
 * invalid, or a step failed (the job's own state then says which and why).
 */
export const JobErrorCode = z.enum(['INVALID_WORKFLOW_INPUT', 'JOB_FAILED']);
export type JobErrorCode = z.infer<typeof JobErrorCode>;
