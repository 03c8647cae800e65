/**
 * @ordo/storage: Ordo's persistence. SQLite or PostgreSQL through Kysely (one set of
 * migrations and queries for both), with workflow templates, jobs and uploaded files'
 * metadata, and a content-addressed blob store on the local disk for their bytes.
 */
export { DiskBlobStore, isSha256Hex } from './blob-store';
export { registerBuiltinTools, ToolRegistrationConflict } from './builtin-tool-registration';
export type { BlobStream, FileBlobStore } from './blob-store';
export { openDatabase } from './database';
export { isDatabaseUnavailable } from './database-unavailable';
export type { OrdoDatabase } from './database';
export { FileStore, fileMetadata, toFileValue } from './file-store';
export type { DeleteFileResult, StoredFile } from './file-store';
export { IdempotencyRepository, StoredResponse } from './idempotency-repository';
export type { IdempotencyBegin, IdempotencyRequest } from './idempotency-repository';
export { newId } from './ids';
export { JobEventRepository, isFinalJobEvent } from './job-events';
export type { JobEventFilter } from './job-events';
export { JobRepository } from './job-repository';
export type {
  EndRunOutsideResult,
  InsertJobResult,
  JobIdempotency,
  JobListQuery,
  ResetResult,
  SetInputsResult,
  StoredJob,
} from './job-repository';
export { RunRepository } from './run-repository';
export type { ClaimRunResult } from './run-repository';
export { openStore } from './store';
export { DatabaseDialect, StoreConfig, dialectOf } from './store-config';
export type { OrdoStore } from './store';
export { TOOL_CONTRACT_FIELDS, ToolRepository } from './tool-repository';
export type { DeprecateToolResult, RegisterToolResult } from './tool-repository';
export { WorkflowRecord, WorkflowRepository, WorkflowVersionSummary } from './workflow-repository';
export type {
  ArchiveResult,
  CreateVersionResult,
  CreateWorkflowResult,
  DraftWriteResult,
  StoredWorkflowVersion,
  VersionListQuery,
  WorkflowContent,
  WorkflowListQuery,
} from './workflow-repository';
