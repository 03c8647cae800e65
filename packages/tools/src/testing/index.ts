/**
 * `@ordo/tools/testing`: helpers for unit tests of the activity layer, here and around it
 * (the worker's step recording).
 */
export { probe } from './probe-tool';
export { MemoryBlobStore, runTool, TEST_STEP } from './run-tool';
export type { RunToolOptions } from './run-tool';
