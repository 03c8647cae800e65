/**
 * @ordo/storage: Ordo's persistence. SQLite through Kysely (so PostgreSQL can sit
 * beside it later), with workflow templates, jobs and uploaded files.
 */
export { openDatabase } from './database';
export type { OrdoDatabase } from './database';
export { FileStore, toFileValue } from './file-store';
export type { StoredFile } from './file-store';
export { newId } from './ids';
export { JobRepository } from './job-repository';
export type { ClaimRunResult, JobListQuery, ResetResult, SetInputsResult, StoredJob } from './job-repository';
export { openStore } from './store';
export type { OrdoStore } from './store';
export { WorkflowRecord, WorkflowRepository } from './workflow-repository';
export type { CreateWorkflowResult } from './workflow-repository';
