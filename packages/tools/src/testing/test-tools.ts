import type { ToolDefinition } from '../tool-definition';
import { fail } from './fail';
import { flaky } from './flaky';
import { noop } from './noop';
import { sleep } from './sleep';
import { tally } from './tally';

/**
 * Tools for tests and benchmarks only: registered where a test asks for them, never part
 * of the production catalog.
 */
export const TEST_TOOLS: readonly ToolDefinition[] = [noop, sleep, flaky, fail, tally];
