/**
 * @ordo/testing: helpers for Ordo's integration tests: the run's real Temporal dev
 * server and workflow bundle (from `global-setup.ts`), the run's PostgreSQL server (from
 * `postgres-setup.ts`) with a database per test, the loop over database dialects, unique
 * task queues, fresh data folders, real test PDFs, the check of responses against the
 * OpenAPI document, and dev servers of a test's own (`startDevServer`).
 */
export { TEST_API_KEY, withApiKey } from './api-key';
export { tempDataDir } from './data-dir';
export { startDevServer } from './dev-server';
export type { DevServerOptions } from './dev-server';
export { createTestDatabase, forEachDialect, TEST_DIALECTS, testStoreConfig } from './dialects';
export type { TestDialect, TestStoreConfig } from './dialects';
export { applicationFailureOf } from './failure';
export { makePdf, makeTextBombPdf } from './pdf';
export type { TextBombOptions } from './pdf';
export { ResponseChecker, ResponseMismatch } from './openapi-responses';
export type { CheckedExchange, OpenApiDocument, OpenApiOperation, OpenApiResponse, ResponseCheckOptions } from './openapi-responses';
export { pollUntil } from './poll';
export { freePort, startOrdoProcess, waitForOk } from './processes';
export type { OrdoProcess } from './processes';
export { seedFile } from './seed';
export { temporalCli } from './temporal-cli';
export { connectClient, connectWorker, temporalAddress, unreachableTemporalAddress, temporalNamespace, uniqueTaskQueue, workflowBundle } from './temporal';
export { startTimeSkippingServer } from './time-skipping';
