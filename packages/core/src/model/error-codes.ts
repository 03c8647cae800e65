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

/** Why a job failed, as the job workflow reports it. */
export const JobErrorCode = z.enum(['STEP_FAILED', 'OUTPUT_MISSING', 'UNKNOWN_TOOL']);
export type JobErrorCode = z.infer<typeof JobErrorCode>;
