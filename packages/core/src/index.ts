/**
 * @ordo/core: Ordo's model (zod schemas and their types), the job workflow's contract,
 * the step types, input validation, parameter/output mapping, and the pure functions
 * that change a run's state and project its views. The workflow itself is exported from
 * `@ordo/core/workflows` for the worker's bundle.
 */
// First: expressions parse in every process that imports Ordo's model.
import './model/expression-engine';
export * from './job-workflow-contract';
export {
  ComposedJobInput,
  ControlRefusal,
  JobRunInput,
  JobWorkflowInput,
  JobWorkflowResult,
  RetryFrom,
  RunContinuation,
} from './schemas/job-workflow-input';
export { StepAddress } from './schemas/activity-contract';
export type {
  RecordedCompletion,
  RecordedEnding,
  RunRecording,
  ToolActivities,
  ToolActivity,
  ToolActivityInput,
  ToolActivityResult,
  ToolOutputs,
  ToolParams,
} from './schemas/activity-contract';
export type {
  ExternalToolActivities,
  PrepareExternalCall,
  SettleExternalCall,
  SettledExternalCall,
  WatchExternalCall,
} from './schemas/external-tool-contract';
export type { DefinitionIssue } from './model/definition-issue';
export { JobErrorCode, ToolErrorCode } from './schemas/error-codes';
export { ExecutionState, StepExecutionResult } from './schemas/execution-state';
export { checkInputValue, effectiveInputs, fileIdsIn, validateInputs } from './model/input-validation';
export type { FileLookup, InputCheck } from './model/input-validation';
export {
  CreateJobRequest,
  ExecutionProgress,
  Job,
  JobLinks,
  JobRecord,
  JobStep,
  JobStepRuntime,
  JobSummary,
  RunSummary,
  SetInputValueRequest,
} from './schemas/job';
export type { JobView } from './schemas/job';
export {
  applyOutputMappings,
  literalValueOf,
  providerOf,
  resolveMappings,
  resolveValue,
  sourceUses,
  type ValueProvider,
  type ValueScope,
} from './model/mappings';
export { EXPRESSION_LIMITS, evaluateExpression, parseExpression } from './model/expressions';
export type {
  EvaluationOptions,
  ExpressionFailure,
  ExpressionLimits,
  ExpressionResult,
  StepBudget,
} from './model/expressions';
export { ExpressionPacer, STEPS_PER_ACTIVATION, STEPS_PER_JOB_STEP } from './workflows/expression-pacer';
export { REGEX_SYNTAX } from './model/linear-regex';
export type { OutputMappingResult } from './model/mappings';
export { RunError, RunState, RunStatus, StepRun, StepRunStatus } from './schemas/run-state';
export { FINAL_JOB_EVENT_TYPES, JobEvent, JobEventData, JobEventType } from './schemas/job-event';
export { RuntimeStepExecution, RuntimeWorkflowExecution } from './schemas/runtime-execution';
export {
  BeginRunRefusal,
  BeginRunRequest,
  CreateRunRefusal,
  CreateRunRequest,
  PreparedStart,
  ResumeRunRequest,
  RunClaim,
  RunHeader,
  RunRecord,
  RunStart,
  StepBatch,
} from './schemas/run-store-contract';
export type {
  BeginRunResult,
  CreateRunResult,
  RecordRunResult,
  ResumeRunResult,
  RunClaimResult,
  RunStoreActivities,
} from './schemas/run-store-contract';
export {
  composeRunState,
  RUN_STATE_WINDOW,
  runStateWindow,
  UNRECORDED_LIMIT,
  windowedExecutionState,
} from './model/run-window';
export type { WindowBounds } from './model/run-window';
export { MAX_REFERENCED_BYTES, referencedStepIds } from './model/step-references';
export { jobStartFields, preparedStartOf, runStartVariables, stepBatchOf } from './jobs/run-start';
export type { JobStartFields } from './jobs/run-start';
export * from './model/run-transitions';
export * from './model/run-views';
export { storedRunState } from './jobs/stored-run';
export { RetryPlan, retryPlan } from './schemas/retry-plan';
export type { RetryPlanResult } from './schemas/retry-plan';
export { FileValue, SchemaValue, Variables } from './schemas/schema-value';
export { isTerminalJobStatus, JobStatus, JobStepStatus, WorkflowStatus } from './schemas/status';
export { PLATFORM_STEP_DEFAULTS } from './model/platform-defaults';
export { StepRetryPolicy } from './schemas/step';
export {
  JsonSchemaDocument,
  RegisteredTool,
  ToolContract,
  ToolDescriptor,
  ToolRunDefaults,
  ToolDispatch,
  RunTool,
} from './schemas/tool-descriptor';
export {
  isOrdoFilledParameter,
  ordoFilledParameters,
  requiredToolParameters,
  UPLOAD_URL_KEYWORD,
  toolOutputNames,
  toolOutputSchema,
  toolParameterNames,
  toolParameterSchema,
} from './model/tool-json-schema';
export {
  DEFAULT_INLINE_VALUE_LIMIT_BYTES,
  isValueRef,
  MissingValueError,
  refHash,
  resolveValueRecord,
  resolveValueRefs,
  storeLargeValues,
  ValueRef,
} from './schemas/value-ref';
export type { BlobStore } from './schemas/value-ref';
export {
  createUrlSigner,
  DEFAULT_FILE_URL_TTL_SECONDS,
  MIN_URL_SIGNING_KEY_LENGTH,
  SIGNED_URL_METHOD,
  SIGNED_URL_QUERY,
  signedUrlPath,
  signedUrlTarget,
} from './files/signed-urls';
export { FileUrlTtlEnv, UrlSigningKeyEnv } from './files/url-signing-env';
export type { SignedUrlGrant, SignedUrlKind, SignedUrlRefusal, UrlSigner, UrlSignerOptions } from './files/signed-urls';
export {
  ArraySchema,
  BooleanSchema,
  FileSchema,
  Identifier,
  InputVariable,
  InputVariables,
  NumberSchema,
  ObjectSchema,
  PlainText,
  StringSchema,
  VariableSchema,
} from './schemas/variable-schema';
export { declaredVariables, orderedSteps, outputVariableNames } from './jobs/definition-queries';
export type { DefinitionShape } from './jobs/definition-queries';
export {
  checkDefinition,
  checkDefinitionAgainstTools,
  checkDefinitionStructure,
  DEFINITION_RULES,
  issueStepId,
  STEP_TYPE_NAMES,
} from './jobs/definition-checks';
export { WorkflowDefinition, WorkflowDefinitionFields } from './schemas/workflow-definition';
export type { DefinitionRule, DefinitionRuleStage } from './jobs/definition-checks';
export { schemaMismatch, variableJsonSchema } from './model/schema-compatibility';
export {
  jobSearchAttributes,
  ORDO_SEARCH_ATTRIBUTES,
  OrdoCorrelationId,
  OrdoJobId,
  OrdoJobStatus,
  OrdoParentJobId,
  OrdoWorkflowId,
  OrdoWorkflowVersion,
} from './search-attributes';
export {
  HumanConfirmStep,
  StepDefinition,
  StepDefinitionSchema,
  SubWorkflowStep,
  ToolRef,
  ToolStep,
  WaitStep,
} from './schemas/step-definition';
export {
  childJobId,
  DEFAULT_SUB_WORKFLOW_CONCURRENCY,
  MAX_SUB_WORKFLOW_CONCURRENCY,
  MAX_SUB_WORKFLOW_DEPTH,
} from './steps/sub-workflow-step';
export { newJobRecord, subWorkflowRefs } from './jobs/new-job';
export type { NewJobFields } from './jobs/new-job';
export { STEP_TYPES, stepTypeOf } from './steps';
export { confirmationRefusal } from './steps/human-confirm-step';
export type {
  StepExecution,
  StepOutcome,
  StepType,
  SubWorkflowRef,
  SubWorkflowTarget,
  WorkflowLookup,
} from './steps/step-type';
export { toolRunOptions } from './steps/tool-run-options';
export type { ToolRunOptions } from './steps/tool-run-options';
export {
  EnvError,
  envIssuesOf,
  loadEnvOrExit,
  TemporalEnv,
  TemporalEnvShape,
  temporalConnectionOptions,
  temporalEnvIssues,
} from './temporal-connection';
export type { EnvIssue, TemporalConnectionOptions, TemporalTlsOptions } from './temporal-connection';
export { DatabaseUrlEnv, PostgresUrl } from './database-url';
export { toolRunDefaultsById } from './model/tool-run-defaults-by-id';
export {
  toolKey,
  toolLookupOf,
  type CatalogTool,
  type ToolLookup,
  type ToolRefKey,
  type ToolResolution,
} from './model/tool-lookup';
export { pinToolVersions, toolRefsOf } from './jobs/tool-pins';
export {
  notPublishedRefusal,
  pinSubWorkflowVersions,
  resolveNewJobVersion,
  validateInputsWithFiles,
} from './jobs/new-job-rules';
export type {
  NewJobVersionResult,
  NotPublishedRefusal,
  VersionOfWorkflow,
  WorkflowVersionReads,
} from './jobs/new-job-rules';
