/**
 * @ordo/client: a typed client of Ordo's REST API. Types generated from the API's OpenAPI
 * document (`pnpm client:generate`), a thin openapi-fetch client, the job event stream with
 * `Last-Event-ID` resume, and problem+json errors as data.
 */
export { createOrdoClient } from './client';
export type { OrdoClient, OrdoClientOptions } from './client';
export { FINAL_EVENT_TYPES, streamEvents, streamJobEvents } from './events';
export type { EventStreamOptions, JobEvent } from './events';
export { describeFieldErrors, isProblem, ok, OrdoApiError } from './problem';
export type { FieldError, Problem } from './problem';
export type { components, operations, paths } from './generated/openapi';
export type { Schema } from './schema';
