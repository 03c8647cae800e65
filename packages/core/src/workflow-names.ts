/**
 * Names by which clients address the job workflow. Clients use these strings rather
 * than importing workflow code, which belongs in the worker's bundle only.
 */
export const JOB_WORKFLOW_TYPE = 'jobWorkflow';
export const EXECUTION_STATE_QUERY = 'executionState';
