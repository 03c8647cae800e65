import jsonata from 'jsonata';
import { useExpressionEngine } from './expressions';

/**
 * Loads JSONata for the Node processes (API, worker activities, tests), so expressions parse
 * synchronously at every save and publish. Workflow code does not import this module: a run
 * loads JSONata only when it evaluates an expression (see `expressions.ts`).
 */
useExpressionEngine(jsonata);
