/**
 * Workflow code, bundled by the Temporal worker and replayed deterministically.
 * Everything reachable from here is checked by the determinism lint rule.
 */
export { executionStateQuery, jobWorkflow } from './job-workflow';
export type { JobWorkflowResult } from './job-workflow';
