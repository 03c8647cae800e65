/**
 * @ordo/api: the Hono REST API. `createApp(deps)` builds the app from its
 * dependencies so tests run it with `app.request()` against real ones.
 */
export { createApp } from './app';
export { servedOpenApiDocument } from './openapi-document';
export type { OrdoApp } from './app';
export type { AppDeps } from './deps';
export type { ApiAuth } from './auth';
export { LazyNativeConnection, TemporalCallError } from './lazy-native-connection';
export { startApiServer } from './server';
export type { ApiServer } from './server';
export { ApiProblem } from './problem';
export type { FieldError, ProblemCode } from './problem';
