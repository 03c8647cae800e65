import type jsonata from 'jsonata';

/** The error object JSONata throws. */
export interface JsonataFailure {
  code?: string;
  message?: string;
  position?: number;
  token?: string;
  value?: unknown;
}

/** The JSONata module. */
export type JsonataEngine = typeof jsonata;

/** JSONata once loaded: synchronously in Node processes (`expression-engine.ts`), on first evaluation in workflow code. */
let engine: JsonataEngine | undefined;

/** Makes JSONata available to `parseExpression`; `@ordo/core`'s index does it for every Node process. */
export function useExpressionEngine(loaded: JsonataEngine): void {
  engine = loaded;
}

/**
 * JSONata for an evaluation. Workflow code evaluates every module it imports again for each
 * run (each has its own module cache), and JSONata's module costs as much as the rest of a
 * short run's workflow code: it is loaded (`eager`: bundled, not split off) only by a run
 * that evaluates an expression.
 */
export async function evaluationEngine(): Promise<JsonataEngine> {
  engine ??= (await import(/* webpackMode: "eager" */ 'jsonata')).default;
  return engine;
}

/** JSONata for parsing: loaded up front in Node processes, never in workflow code. */
export function parsingEngine(): JsonataEngine {
  if (engine === undefined)
    throw new Error('JSONata is not loaded: import @ordo/core, whose index loads it, before parsing expressions');
  return engine;
}
