import { OrdoApiError } from '@ordo/client';

/** How the CLI exits: 0 done, 1 failed (an API error, a failed job), 2 misused, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A command used wrongly (a malformed `--input`, a file that is neither JSON nor YAML): exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure the CLI explains itself (a file it cannot read, a job that failed): exit 1, no stack. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';

  constructor(
    message: string,
    readonly lines: string[] = [],
  ) {
    super(message);
  }
}

/**
 * Prints what went wrong, never a stack trace: a problem's `detail` and each `errors[]` field
 * with its rule (and `input_errors` by input), or the error's message; with `--json`, the
 * problem itself on stdout too, for scripts. Returns the exit code.
 */
export function reportError(err: unknown, json: boolean): number {
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof OrdoApiError) {
    const lines = err.describe();
    for (const [input, message] of Object.entries(err.problem?.input_errors ?? {}))
      lines.push(`  input ${input}: ${message}`);
    process.stderr.write(`error: ${lines.join('\n')}\n`);
    if (json) process.stdout.write(`${JSON.stringify({ error: err.problem ?? { status: err.status } }, null, 2)}\n`);
    return EXIT.failed;
  }
  if (err instanceof CliFailure) {
    process.stderr.write(`error: ${[err.message, ...err.lines].join('\n')}\n`);
    return EXIT.failed;
  }
  // fetch's own failure (nothing listens there, a bad URL): the cause says which.
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}${cause}\n`);
  return EXIT.failed;
}
