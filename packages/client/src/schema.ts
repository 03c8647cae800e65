import type { components } from './generated/openapi';

/** A schema of the API's document, by name: `Schema<'Job'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];
