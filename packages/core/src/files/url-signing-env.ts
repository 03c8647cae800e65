import { z } from 'zod';
import { DEFAULT_FILE_URL_TTL_SECONDS, MIN_URL_SIGNING_KEY_LENGTH } from './signed-urls';

/**
 * `ORDO_URL_SIGNING_KEY`, read by the API (which checks signed URLs) and the worker (which
 * makes them): the HMAC secret of signed URLs. Unset (or empty), the API opens no signed URL
 * and the worker cannot hand an external tool a file, a large value or an upload URL.
 */
export const UrlSigningKeyEnv = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .min(MIN_URL_SIGNING_KEY_LENGTH, `must be at least ${MIN_URL_SIGNING_KEY_LENGTH} characters`)
    .max(512, 'must be at most 512 characters')
    .optional(),
);

/** `ORDO_FILE_URL_TTL_SECONDS`: the shortest lifetime of a signed URL (a step that may run longer gets longer ones). */
export const FileUrlTtlEnv = z.coerce
  .number({ message: 'must be a number of seconds' })
  .int('must be a whole number of seconds')
  .min(10, 'must be at least 10')
  .max(7 * 24 * 3600, 'must be at most 604800 (7 days)')
  .default(DEFAULT_FILE_URL_TTL_SECONDS);
