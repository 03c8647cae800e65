/**
 * Workflow code, bundled by the Temporal worker and replayed deterministically.
 * Everything reachable from here is checked by the determinism lint rule.
 */
export { jobWorkflow } from './job-workflow';
