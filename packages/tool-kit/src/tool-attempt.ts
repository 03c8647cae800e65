import { ApplicationFailure, CancelledFailure, TemporalFailure } from '@temporalio/common';
import type { z } from 'zod';
import type { AttemptProgress } from './progress.js';
import type { AnyToolDefinition } from './tool-descriptors.js';
import type { ToolLogger } from './tool-definition.js';
import { ToolError } from './tool-error.js';

/*
 * The steps every tool attempt goes through, whoever hosts it: the kit's own activity
 * (`toolActivity`) and Ordo's built-in activity layer compose the same pieces, so a tool
 * fails, validates and logs the same way wherever it runs.
 */

// A missing value reads better as "is required" than zod's "expected string, received undefined".
const requiredMessage = (issue: z.core.$ZodRawIssue): string | undefined =>
  issue.input === undefined ? 'is required' : undefined;

/** The parameters checked against the tool's schema; a mismatch is a non-retryable `INVALID_PARAMETERS` naming each field. */
export function parseParameters<T extends AnyToolDefinition>(tool: T, params: unknown): z.output<T['parameters']> {
  const parsed = tool.parameters.safeParse(params, { error: requiredMessage });
  if (!parsed.success)
    throw ApplicationFailure.create({
      type: 'INVALID_PARAMETERS',
      message: formatIssues(parsed.error.issues),
      nonRetryable: true,
    });
  return parsed.data as z.output<T['parameters']>;
}

/** The outputs checked against the tool's own schema; a mismatch is a bug in the tool: non-retryable `INVALID_OUTPUT`. */
export function parseOutputs(tool: AnyToolDefinition, outputs: unknown): Record<string, unknown> {
  const parsed = tool.outputs.safeParse(outputs, { error: requiredMessage });
  if (!parsed.success) {
    throw ApplicationFailure.create({
      type: 'INVALID_OUTPUT',
      message: `Tool '${tool.tool_id}' returned invalid outputs (a bug in the tool): ${formatIssues(parsed.error.issues)}`,
      nonRetryable: true,
    });
  }
  // Outputs cross Temporal as JSON: a field left undefined is simply absent.
  return parsed.data;
}

/** `<path>: <rule>` for each problem, e.g. `input_file.file_id: is required`. */
function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * What the activity throws for an error: a cancelled attempt reports a cancellation
 * whatever the tool threw on its way out (often an AbortError); Temporal's own failures
 * pass through; a `ToolError` keeps its code and retryability; anything else is unexpected
 * and stays retryable, since we cannot tell it is permanent.
 */
export function activityFailure(err: unknown, toolId: string, signal: AbortSignal): Error {
  if (signal.aborted) {
    if (err instanceof CancelledFailure) return err;
    const reason: unknown = signal.reason;
    if (reason instanceof CancelledFailure) return reason;
    return new CancelledFailure(
      reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'Activity cancelled',
    );
  }
  if (err instanceof TemporalFailure) return err;
  if (isToolError(err)) {
    const toolError = err;
    return ApplicationFailure.create({
      type: toolError.code,
      message: toolError.message,
      nonRetryable: !toolError.retryable,
      cause: toolError.cause instanceof Error ? toolError.cause : undefined,
    });
  }
  return ApplicationFailure.create({
    type: 'TOOL_FAILED',
    message: `Tool '${toolId}' failed: ${err instanceof Error ? err.message : String(err)}`,
    nonRetryable: false,
    cause: err instanceof Error ? err : undefined,
  });
}

// `instanceof` alone narrows a generic class to `ToolError<any>`; a guard says `ToolError<string>`.
function isToolError(err: unknown): err is ToolError {
  return err instanceof ToolError;
}

/**
 * The failure with the attempt that made it as its first detail: an Ordo workflow learns a
 * step's attempt count only from what its activity returns or throws.
 */
export function withAttempt(failure: Error, attempt: number): Error {
  if (!(failure instanceof ApplicationFailure) || failure.details?.length) return failure;
  return ApplicationFailure.create({
    type: failure.type ?? undefined,
    message: failure.message,
    nonRetryable: failure.nonRetryable ?? undefined,
    details: [{ attempt }],
    ...(failure.cause !== undefined && { cause: failure.cause }),
  });
}

/** What `runAttempt` needs to know of the attempt it runs. */
export interface AttemptScope {
  toolId: string;
  attempt: number;
  signal: AbortSignal;
  log: ToolLogger;
  progress: AttemptProgress;
}

/**
 * Runs one attempt's `body` (check the parameters, run the tool, check the outputs: the
 * host's choice) with the attempt's heartbeat going, and turns whatever it throws into the
 * failure Temporal should see (its code, retryable or not, the attempt as its detail),
 * logged once: a failure the tool reported on purpose as info, anything else as a warning.
 */
export async function runAttempt<R>(scope: AttemptScope, body: () => Promise<R>): Promise<R> {
  const { toolId, attempt, signal, log, progress } = scope;
  const startedAt = Date.now();
  progress.start();
  try {
    const result = await body();
    // Debug: Temporal's history already records every completion; a line per attempt is noise at volume.
    log.debug('Tool completed', { duration_ms: Date.now() - startedAt });
    return result;
  } catch (err) {
    const failure = withAttempt(activityFailure(err, toolId, signal), attempt);
    const retryable = failure instanceof ApplicationFailure ? !failure.nonRetryable : false;
    const expected = failure instanceof ApplicationFailure && failure.type !== 'TOOL_FAILED';
    log[expected ? 'info' : 'warn']('Tool failed', {
      duration_ms: Date.now() - startedAt,
      error_type: failure instanceof ApplicationFailure ? failure.type : failure.name,
      retryable,
      error: failure.message,
    });
    throw failure;
  } finally {
    progress.stop();
  }
}

/** A logger whose every line carries `tags` (the tool, the job, the attempt). */
export function taggedLogger(base: ToolLogger, tags: Record<string, unknown>): ToolLogger {
  return {
    debug: (message, fields) => base.debug(message, { ...tags, ...fields }),
    info: (message, fields) => base.info(message, { ...tags, ...fields }),
    warn: (message, fields) => base.warn(message, { ...tags, ...fields }),
    error: (message, fields) => base.error(message, { ...tags, ...fields }),
  };
}

/** Where log lines go when there is nowhere to send them. */
export const SILENT_LOGGER: ToolLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
