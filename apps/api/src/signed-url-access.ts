import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { isTerminalJobStatus, signedUrlTarget } from '@ordo/core';
import { SECURITY_SCHEME } from './auth';
import type { AppDeps } from './deps';
import { ApiProblem } from './problem';

/** A signed URL refused: 403 naming the query parameter and the rule. */
function refused(field: string, message: string): ApiProblem {
  return new ApiProblem(
    403,
    'SIGNED_URL_REFUSED',
    'Signed URL refused',
    `the signed URL does not open this: ${field} ${message}`,
    [{ field: `query.${field}`, message }],
  );
}

/**
 * Opens the three routes a signed URL may open (a file's content, a stored value, an upload:
 * `signedUrlTarget`) to a request carrying a `signature`, without an API key. Runs before the
 * key check: the signature must match the method, path, `job_id` and `expires` (HMAC with
 * `ORDO_URL_SIGNING_KEY`), must not have expired, and its job must exist and not have ended;
 * otherwise a 403 naming the query parameter. A request granted so reaches that one route
 * only (any other method or path is not a target and needs a key as always), with the
 * viewer scope for reads and operator for the upload.
 */
export function signedUrlAccess(deps: Pick<AppDeps, 'store' | 'urlSigner'>): MiddlewareHandler {
  return async (c, next) => {
    const target = signedUrlTarget(c.req.method, c.req.path);
    const signature = c.req.query('signature');
    if (target === undefined || signature === undefined) return next();
    if (deps.urlSigner === undefined)
      throw refused('signature', 'cannot be checked: this API has no ORDO_URL_SIGNING_KEY, so it opens no signed URL');
    const verified = deps.urlSigner.verify(target, {
      job_id: c.req.query('job_id'),
      expires: c.req.query('expires'),
      signature,
    });
    if (!verified.ok) throw refused(verified.refusal.field, verified.refusal.message);
    const { job_id: jobId } = verified.grant;
    const status = await deps.store.jobs.status(jobId);
    if (status === undefined) throw refused('job_id', `must name an existing job: '${jobId}' does not exist`);
    if (isTerminalJobStatus(status))
      throw refused('job_id', `must name a job that has not ended: '${jobId}' is ${status}`);
    c.set('ordoSignedGrant', verified.grant);
    c.set('ordoScope', target.kind === 'upload' ? 'operator' : 'viewer');
    c.set('ordoPrincipal', `signed-url:${jobId}`);
    return next();
  };
}

/** The name of the signed-URL scheme in the OpenAPI document's `securitySchemes`. */
export const SIGNED_URL_SCHEME = 'signedUrl';

/** The `security` of a route opened by an API key or a signed URL. */
export const KEY_OR_SIGNED_URL: Record<string, string[]>[] = [{ [SECURITY_SCHEME]: [] }, { [SIGNED_URL_SCHEME]: [] }];

/** The `security` of a route opened by a signed URL only. */
export const SIGNED_URL_ONLY: Record<string, string[]>[] = [{ [SIGNED_URL_SCHEME]: [] }];

/** The `securitySchemes` entry of signed URLs. */
export const SIGNED_URL_SECURITY_SCHEME = {
  type: 'apiKey',
  in: 'query',
  name: 'signature',
  description:
    'A signed URL made by an Ordo worker for an external tool (docs/tools.md, "Files and large values"): `job_id`, `expires` and `signature` in the query, HMAC-SHA256 with `ORDO_URL_SIGNING_KEY` over the route, its file or value, the job and the expiry. It opens that one route for that one resource while the job has not ended and the URL has not expired; a tampered, expired or foreign one, or one for an ended job, is a 403 `SIGNED_URL_REFUSED` naming the query parameter.',
} as const;

/** The query of a signed URL, as a route opened only by one declares it. */
export const SignedUrlQuery = z.object({
  job_id: z.string().describe('The job the signed URL was made for'),
  expires: z.string().describe('Unix time (seconds) after which the signed URL is refused'),
  signature: z.string().describe('HMAC-SHA256 (base64url) of the grant, with `ORDO_URL_SIGNING_KEY`'),
});

/** The same, for a route an API key opens too: none of them with a key. */
export const OptionalSignedUrlQuery = SignedUrlQuery.partial();
