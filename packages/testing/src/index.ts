/**
 * @ordo/testing: helpers for Ordo's integration tests: the run's real Temporal dev
 * server and workflow bundle (from `global-setup.ts`), the run's PostgreSQL server (from
 * `postgres-setup.ts`) with a database per test, PostgreSQL servers and databases of a
 * tool's own (`startPostgres`, `createDatabase`: the fault suite halts and resumes one),
 * the loop over database dialects, unique task queues, fresh data folders, real test PDFs,
 * the check of responses against the OpenAPI document, the OpenAPI fuzzer (Schemathesis)
 * and the data it works on, dev servers of a test's own (`startDevServer`) and whole dev
 * stacks (`startDevStack`: `infra/dev.sh`), a reader of server-sent event streams, and a proxy
 * that checks the answers clients it fronts get against the OpenAPI document (`startCheckedProxy`).
 */
export { TEST_API_KEY, TEST_URL_SIGNING_KEY, withApiKey } from './api-key';
export { startCheckedProxy } from './checked-proxy';
export type { CheckedProxy } from './checked-proxy';
export { tempDataDir } from './data-dir';
export { devStackConfig, startDevStack } from './dev-stack';
export type { DevStack, DevStackConfig, DevStackProcess } from './dev-stack';
export { startDevServer } from './dev-server';
export type { DevServerOptions } from './dev-server';
export { createDatabase, createTestDatabase, forEachDialect, TEST_DIALECTS, testStoreConfig } from './dialects';
export type { TestDialect, TestStoreConfig } from './dialects';
export { childProcessEnv } from './env';
export { applicationFailureOf } from './failure';
export { seedFuzzData } from './fuzz-data';
export type { FuzzData, FuzzJobs } from './fuzz-data';
export { makePdf, makeTextBombPdf } from './pdf';
export { makeDeflateBombPdf, makeFakePdf, makeImagePagesPdf, makeJavaScriptPdf } from './bad-pdf';
export type { DeflateBombOptions, ImagePagesOptions, JavaScriptPdfOptions } from './bad-pdf';
export type { MakePdfOptions, TextBombOptions } from './pdf';
export { ResponseChecker, ResponseMismatch } from './openapi-responses';
export type {
  CheckedExchange,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiResponse,
  ResponseCheckOptions,
} from './openapi-responses';
export { pollUntil } from './poll';
export { startPostgres } from './postgres';
export type { PostgresServer } from './postgres';
export { freePort } from './free-port';
export { ordoProcessEnv, startOrdoProcess, waitForOk, waitForReady } from './processes';
export { startProcessStack } from './process-stack';
export type { ProcessStack } from './process-stack';
export type { OrdoProcess, ReadyCheck } from './processes';
export { SseReader } from './sse-reader';
export type { SseMessage } from './sse-reader';
export { installSchemathesis, runSchemathesis, SchemathesisReport } from './schemathesis';
export type { SchemathesisOptions, SchemathesisRun } from './schemathesis';
export { seedFile } from './seed';
export { temporalCli, temporalCliPath } from './temporal-cli';
export {
  connectClient,
  connectWorker,
  temporalAddress,
  unreachableTemporalAddress,
  temporalNamespace,
  uniqueTaskQueue,
  workflowBundle,
} from './temporal';
export { startTimeSkippingServer } from './time-skipping';
