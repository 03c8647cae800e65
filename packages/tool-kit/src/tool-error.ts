/**
 * The one way a tool fails on purpose: a stable `code` and whether trying the same call
 * again could succeed. The activity layer turns it into an `ApplicationFailure` whose
 * `type` is the code and which is `nonRetryable` unless `retryable`, so Temporal stops
 * retrying at once when retrying cannot help. Anything else a tool throws is unexpected
 * and stays retryable (TOOL_FAILED). A host may narrow `Code` to its own enum.
 */
export class ToolError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retryable: boolean;

  constructor(code: Code, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ToolError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
