import { EXPRESSION_LIMITS, evaluateExpression, type ExpressionFailure, type ExpressionLimits } from '@ordo/core';
import { z } from 'zod';
import { defineTool } from '../tool-definition';
import { ToolError } from '../tool-error';

/** Largest result, in bytes of its JSON text: the result travels on to later steps. */
export const MAX_RESULT_BYTES = 1024 * 1024;

/**
 * The evaluator's bounds for this tool (see `evaluateExpression` in `@ordo/core`). An
 * activity runs in plain Node, where a step costs about 2.5 µs (not 300 as in the
 * workflow sandbox): `timeout_ms` bounds the time, and the counted bounds keep any one
 * expression's memory and work finite even when the clock is not looked at (inside a
 * built-in, a regex).
 */
export const JSON_TRANSFORM_LIMITS: ExpressionLimits = {
  ...EXPRESSION_LIMITS,
  max_steps: 4_000_000,
  max_depth: 500,
  max_sequence: 1_000_000,
  max_string: 8_000_000,
  max_array: 1_000_000,
  max_value: 16_000_000,
  max_result_bytes: MAX_RESULT_BYTES,
};
/** json_transform's thread heap: the input, the expression's intermediate values and the result. */
export const JSON_TRANSFORM_MEMORY_MIB = 512;
/**
 * How long past `timeout_ms` the thread is stopped. The evaluator checks its own time box on
 * entry to each sub-expression and then fails with its message; the hard stop is for what never
 * reaches that check.
 */
export const HARD_STOP_GRACE_MS = 100;

export const JsonTransformParams = z.object({
  input: z.unknown().describe('Any JSON value: the data the expression reads (`$` in JSONata).'),
  expression: z
    .string()
    .min(1)
    .describe('A JSONata expression (https://jsonata.org) computing the result from `input`.'),
  timeout_ms: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(1_000)
    .describe('Time allowed for the evaluation, in milliseconds; defaults to 1000.'),
});
export type JsonTransformParams = z.infer<typeof JsonTransformParams>;

export const JsonTransformOutputs = z.object({
  result: z.unknown().describe("The expression's value as JSON; null when it has none (JSONata's undefined)."),
});
export type JsonTransformOutputs = z.infer<typeof JsonTransformOutputs>;

/** Reshapes data between steps with a JSONata expression, bounded in time, depth, memory and result size. */
export const jsonTransform = defineTool({
  tool_id: 'json_transform',
  name: 'JSON Transform',
  description:
    'Computes a new JSON value from `input` with a JSONata expression, to reshape data between steps. ' +
    `Evaluation is bounded in time (timeout_ms), depth and memory; the result may be at most ${MAX_RESULT_BYTES} bytes of JSON.`,
  version: '1.1.0',
  parameters: JsonTransformParams,
  outputs: JsonTransformOutputs,
  // Evaluation runs in a thread, stopped at timeout_ms whatever the expression does.
  thread: {
    module: import.meta.url,
    memoryLimitMiB: JSON_TRANSFORM_MEMORY_MIB,
    timeLimit: ({ timeout_ms }) => ({
      ms: timeout_ms + HARD_STOP_GRACE_MS,
      error: () =>
        new ToolError(
          'EXPRESSION_FAILED',
          `expression: Evaluation timeout after ${timeout_ms} milliseconds: the evaluation was stopped`,
        ),
    }),
  },
  async run({ input, expression, timeout_ms }, { signal }) {
    signal.throwIfAborted();
    // JSONata checks the time box and depth on entry to every sub-expression (errors D1011, D1012),
    // and the evaluator bounds what one built-in or regex may do between two entries.
    // The tool runs in a thread of its own (see `thread` above), stopped at the deadline whatever it does.
    const evaluated = await evaluateExpression(expression, input, {
      limits: JSON_TRANSFORM_LIMITS,
      timeoutMs: timeout_ms,
    });
    if (!evaluated.ok) throw toolErrorOf(evaluated);
    return { result: toJson(evaluated.value) };
  },
});

/** The evaluator's failure as the tool's: a syntax error, a failed evaluation, or a result too large. */
function toolErrorOf(failure: ExpressionFailure): ToolError {
  switch (failure.stage) {
    case 'parse':
      return new ToolError('EXPRESSION_INVALID', `expression: ${jsonataMessage(failure)}`);
    case 'evaluate':
      return new ToolError('EXPRESSION_FAILED', `expression: ${jsonataMessage(failure)}`);
    case 'result':
      return failure.detail.startsWith('its value is larger')
        ? new ToolError(
            'RESPONSE_TOO_LARGE',
            `result: more than ${MAX_RESULT_BYTES} bytes of JSON, over the limit of ${MAX_RESULT_BYTES} bytes`,
          )
        : new ToolError('EXPRESSION_FAILED', `expression: ${failure.detail}`);
  }
}

/**
 * JSONata's result as plain JSON: its sequences become arrays, functions and undefined
 * become null (as JSON.stringify does inside arrays), and the size bound is checked on the
 * very text that will travel.
 */
function toJson(value: unknown): unknown {
  let text: string | undefined;
  try {
    // undefined for undefined or a function, whatever JSON.stringify's declared type says.
    text = JSON.stringify(value, withoutFunctions);
  } catch (err) {
    throw new ToolError(
      'EXPRESSION_FAILED',
      `expression: its value cannot be written as JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  if (text === undefined) return null;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_RESULT_BYTES) {
    throw new ToolError(
      'RESPONSE_TOO_LARGE',
      `result: ${bytes} bytes of JSON, over the limit of ${MAX_RESULT_BYTES} bytes`,
    );
  }
  return JSON.parse(text) as unknown;
}

// A JSONata function value is an object holding its (circular) environment: it has no JSON form.
function withoutFunctions(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && ('_jsonata_lambda' in value || '_jsonata_function' in value))
    return undefined;
  return value;
}

/** One line of an evaluator failure: its sentence, where, and JSONata's code when it has one. */
function jsonataMessage({ detail, code, position }: ExpressionFailure): string {
  const at = position !== undefined ? ` at position ${position}` : '';
  return code !== undefined ? `${detail}${at} (JSONata ${code})` : `${detail}${at}`;
}
