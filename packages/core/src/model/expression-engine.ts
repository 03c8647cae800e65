import jsonata from 'jsonata';
import * as re2 from 're2js';
import { useExpressionEngine } from './expressions';
import { useRegexEngine } from './linear-regex';

/**
 * Loads JSONata and RE2 for the Node processes (API, worker activities, tests), so
 * expressions parse and input patterns are checked synchronously at every save and
 * publish. Workflow code does not import this module: a run loads each only when it needs
 * it (see `expressions.ts` and `linear-regex.ts`).
 */
useExpressionEngine(jsonata);
useRegexEngine(re2);
