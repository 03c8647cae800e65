import jsonata from 'jsonata';
import { z } from 'zod';
import { defineTool } from '../tool-definition';
import { ToolError } from '../tool-error';

/** Largest result, in bytes of its JSON text: the result travels on to later steps. */
export const MAX_RESULT_BYTES = 1024 * 1024;
/** Deepest evaluation allowed: stops runaway recursion before it overflows the worker's stack. */
export const MAX_EVALUATION_DEPTH = 500;
/** Longest sequence an expression may build, so one expression cannot fill the worker's memory. */
export const MAX_SEQUENCE_LENGTH = 1_000_000;
/** json_transform's thread heap: the input, the expression's intermediate values and the result. */
export const JSON_TRANSFORM_MEMORY_MIB = 512;
/**
 * How long past `timeout_ms` the thread is stopped. JSONata checks its own time box on entry
 * to each sub-expression and then fails with its message; the hard stop is for what never
 * reaches that check (one regular expression backtracking, one huge $pad).
 */
export const HARD_STOP_GRACE_MS = 100;

export const JsonTransformParams = z.object({
  input: z.unknown().describe('Any JSON value: the data the expression reads (`$` in JSONata).'),
  expression: z.string().min(1).describe('A JSONata expression (https://jsonata.org) computing the result from `input`.'),
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
  params: JsonTransformParams,
  outputs: JsonTransformOutputs,
  // Evaluation runs in a thread, stopped at timeout_ms whatever the expression does.
  thread: {
    module: import.meta.url,
    memoryLimitMiB: JSON_TRANSFORM_MEMORY_MIB,
    timeLimit: ({ timeout_ms }) => ({
      ms: timeout_ms + HARD_STOP_GRACE_MS,
      error: () => new ToolError('EXPRESSION_FAILED', `expression: Evaluation timeout after ${timeout_ms} milliseconds: the evaluation was stopped`),
    }),
  },
  async run({ input, expression, timeout_ms }, { signal }) {
    signal.throwIfAborted();
    const compiled = compile(expression, timeout_ms);
    let value: unknown;
    try {
      // JSONata checks the time box and depth on entry to every sub-expression (errors D1011, D1012);
      // what it cannot check (a regular expression, one built-in call) the thread's hard stop ends.
      value = await compiled.evaluate(input);
    } catch (err) {
      throw new ToolError('EXPRESSION_FAILED', `expression: ${jsonataMessage(err)}`, { cause: err });
    }
    return { result: toJson(value) };
  },
});

function compile(expression: string, timeout: number): jsonata.Expression {
  try {
    return jsonata(expression, { timeout, stack: MAX_EVALUATION_DEPTH, sequence: MAX_SEQUENCE_LENGTH });
  } catch (err) {
    throw new ToolError('EXPRESSION_INVALID', `expression: ${jsonataMessage(err)}`, { cause: err });
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
    throw new ToolError('EXPRESSION_FAILED', `expression: its value cannot be written as JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (text === undefined) return null;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_RESULT_BYTES) {
    throw new ToolError('RESPONSE_TOO_LARGE', `result: ${bytes} bytes of JSON, over the limit of ${MAX_RESULT_BYTES} bytes`);
  }
  return JSON.parse(text) as unknown;
}

// A JSONata function value is an object holding its (circular) environment: it has no JSON form.
function withoutFunctions(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && ('_jsonata_lambda' in value || '_jsonata_function' in value)) return undefined;
  return value;
}

/** JSONata throws plain objects `{ code, message, position, token }`; this makes one line of them. */
function jsonataMessage(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const { code, message, position } = err as { code?: unknown; message?: unknown; position?: unknown };
  const text = typeof message === 'string' && message !== '' ? message : 'evaluation failed';
  const at = typeof position === 'number' ? ` at position ${position}` : '';
  return typeof code === 'string' ? `${text}${at} (JSONata ${code})` : `${text}${at}`;
}
