/**
 * @ordo/core: Ordo's model (zod schemas and their types), input validation,
 * parameter/output mapping, and the contract between the job workflow and the
 * activities it calls. The workflow itself is exported from `@ordo/core/workflows`.
 */
export { JobStateUpdate } from './model/activity-contract';
export type { JobStoreActivities, ToolActivities, ToolActivity, ToolOutputs, ToolParams } from './model/activity-contract';
export { isRetryableToolError, JobErrorCode, ToolErrorCode } from './model/error-codes';
export { ExecutionState, StepExecutionResult } from './model/execution-state';
export { checkInputValue, validateInputs } from './model/input-validation';
export { applyExecutionState, executionStateFromJob } from './model/job-view';
export type { InputCheck } from './model/input-validation';
export { CreateJobRequest, ExecutionProgress, Job, JobStep, SetInputValueRequest, StepRuntime } from './model/job';
export { JobWorkflowInput, jobWorkflowInput } from './model/job-workflow-input';
export { applyOutputMappings, resolveParameters } from './model/mappings';
export type { OutputMappingResult } from './model/mappings';
export { FileValue, SchemaValue, Variables } from './model/schema-value';
export { isTerminalJobStatus, JobStatus, WorkflowStatus } from './model/status';
export { StepDefinition, StepRetryPolicy, ToolRef, ToolStep } from './model/step';
export { ToolDescriptor, ToolParameterDescriptor } from './model/tool-descriptor';
export { DEFAULT_INLINE_VALUE_LIMIT_BYTES, isValueRef, MissingValueError, refHash, resolveValueRecord, resolveValueRefs, storeLargeValues, ValueRef } from './model/value-ref';
export type { BlobStore } from './model/value-ref';
export { Identifier, InputVariable, InputVariables, VariableSchema } from './model/variable-schema';
export { checkDefinitionAgainstTools, declaredVariables, orderedSteps, WorkflowDefinition } from './model/workflow-definition';
export type { DefinitionIssue } from './model/workflow-definition';
export { ORDO_SEARCH_ATTRIBUTES, OrdoJobId, OrdoJobStatus, OrdoWorkflowId } from './search-attributes';
export { JOB_WORKFLOW_TYPE, EXECUTION_STATE_QUERY } from './workflow-names';
