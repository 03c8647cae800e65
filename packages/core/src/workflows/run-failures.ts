import { ApplicationFailure } from '@temporalio/workflow';
import type { JobErrorCode } from '../schemas/error-codes';

/** A failure type, checked against `JobErrorCode` at compile time (its zod enum is not loaded here). */
export const failureType = (code: JobErrorCode): JobErrorCode => code;

/** The failure of a run that may not have its job (gone, changed, or another run's): the run does nothing. */
export function notStartable(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, failureType('JOB_NOT_STARTABLE'));
}
