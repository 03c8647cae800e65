import { z } from 'zod';

/**
 * Why a tool attempt failed: the `type` of the `ApplicationFailure` the activity layer
 * throws. Whether it is retried is decided per failure (`ToolError.retryable`), not per code.
 */
export const ToolErrorCode = z.enum([
  /** Parameters do not satisfy the tool's schema (a mapping error: never retried). */
  'INVALID_PARAMETERS',
  /** The tool returned outputs that do not satisfy its own schema: a bug in the tool. */
  'INVALID_OUTPUT',
  /** A stored large value a parameter refers to is gone from the blob store. */
  'VALUE_MISSING',
  'FILE_NOT_FOUND',
  'UNSUPPORTED_FILE_TYPE',
  'PDF_INVALID',
  'PDF_PASSWORD_PROTECTED',
  /** The pages read have no text layer (scanned images) and no OCR reads them (never retried). */
  'PDF_NO_TEXT_LAYER',
  /** OCR of a page without a text layer failed (rendering or Tesseract); the message names the page (never retried). */
  'PDF_OCR_FAILED',
  'HOST_NOT_ALLOWED',
  'HTTP_CLIENT_ERROR',
  'HTTP_SERVER_ERROR',
  'NETWORK_ERROR',
  'RESPONSE_TOO_LARGE',
  'EXPRESSION_INVALID',
  'EXPRESSION_FAILED',
  'TIMEOUT',
  /** A tool needed more memory than its thread's limit (see `ToolThreadSettings`); retrying hits the same wall. */
  'RESOURCE_LIMIT_EXCEEDED',
  /** More text than a tool produces or reads (`MAX_TEXT_CHARS`): a PDF's extracted text, text_analyzer's input. */
  'TEXT_TOO_LARGE',
  /** Test tools: a deliberate failure. */
  'DELIBERATE_FAILURE',
  /** No worker of the tool took an attempt within the step's `schedule_to_start_timeout_seconds` (never retried). */
  'NO_WORKER',
  /** Anything unexpected; retryable, since we cannot tell it is permanent. */
  'TOOL_FAILED',
]);
export type ToolErrorCode = z.infer<typeof ToolErrorCode>;

/**
 * The `type` of the failure a job workflow run ends with: its input was invalid, the job
 * could not be started by this run, a step failed (the job's own state then says which
 * and why), or the job named a tool no worker offers.
 */
export const JobErrorCode = z.enum([
  'INVALID_WORKFLOW_INPUT',
  'JOB_NOT_STARTABLE',
  'JOB_FAILED',
  'UNKNOWN_TOOL',
  'MAPPING_FAILED',
  'EXPRESSION_FAILED',
  'CONFIRMATION_TIMED_OUT',
  'CONFIRMATION_REFUSED',
  'WAIT_INVALID',
  'CANCELLED',
  'WORKFLOW_NOT_FOUND',
  'WORKFLOW_NOT_PUBLISHED',
  'INPUTS_INVALID',
  'SUB_WORKFLOW_FAILED',
  'BATCH_TOO_LARGE',
]);
export type JobErrorCode = z.infer<typeof JobErrorCode>;
