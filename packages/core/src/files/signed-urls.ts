import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed URLs: how a tool running elsewhere (an external tool's Temporal worker, in any
 * language, with no API key and no access to Ordo's database or blob store) reads a job's
 * files and large values and uploads the files it makes, over plain HTTP. The worker signs,
 * the API verifies, both with `ORDO_URL_SIGNING_KEY` (HMAC-SHA256). A URL grants one thing
 * (one file's bytes, one stored value, or uploads), for one job, until it expires; the path
 * and the query say which, and the signature covers all of it, so changing any part of the
 * URL breaks it. Nothing here knows HTTP, Temporal or the database: the API checks the
 * job's state itself.
 */

/** What a signed URL grants: a file's bytes, a stored value's JSON, or uploading files. */
export type SignedUrlKind = 'file' | 'value' | 'upload';

/** One grant: what, for which job, until when. */
export interface SignedUrlGrant {
  kind: SignedUrlKind;
  /** The file's `file_id`, the value's SHA-256 (hex); empty for an upload. */
  resource: string;
  job_id: string;
  /** Unix time (seconds) after which the URL is refused. */
  expires: number;
}

/** The query parameters of a signed URL. */
export const SIGNED_URL_QUERY = ['job_id', 'expires', 'signature'] as const;

/** The method of the one route each kind of URL opens. */
export const SIGNED_URL_METHOD: Record<SignedUrlKind, 'GET' | 'POST'> = { file: 'GET', value: 'GET', upload: 'POST' };

/** The path (below the API's base URL) of the route a grant opens. */
export function signedUrlPath(kind: SignedUrlKind, resource: string): string {
  switch (kind) {
    case 'file':
      return `/v1/files/${encodeURIComponent(resource)}/content`;
    case 'value':
      return `/v1/values/${encodeURIComponent(resource)}`;
    case 'upload':
      return '/v1/uploads';
  }
}

/**
 * The kind and resource a request's method and path would be granted by a signed URL, or
 * undefined when no signed URL opens it: only these three routes, with these methods.
 */
export function signedUrlTarget(method: string, path: string): { kind: SignedUrlKind; resource: string } | undefined {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD') {
    const file = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (file) return { kind: 'file', resource: safeDecode(file[1]!) };
    const value = /^\/v1\/values\/([^/]+)$/.exec(path);
    if (value) return { kind: 'value', resource: safeDecode(value[1]!) };
  }
  if (m === 'POST' && path === '/v1/uploads') return { kind: 'upload', resource: '' };
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Why a signed URL was refused, with the query parameter it is about. */
export type SignedUrlRefusal =
  | { code: 'SIGNATURE_MISMATCH'; field: 'signature'; message: string }
  | { code: 'URL_EXPIRED'; field: 'expires'; message: string }
  | { code: 'MALFORMED'; field: 'job_id' | 'expires' | 'signature'; message: string };

/** Settings of a signer: the secret, and for making URLs the API's base URL and their shortest lifetime. */
export interface UrlSignerOptions {
  /** `ORDO_URL_SIGNING_KEY`: at least {@link MIN_URL_SIGNING_KEY_LENGTH} characters. */
  key: string;
  /** `ORDO_PUBLIC_URL`: the API's base URL as tool workers reach it (a path prefix is kept). */
  publicUrl?: string;
  /** `ORDO_FILE_URL_TTL_SECONDS`: no URL is made for less (600 by default). */
  minTtlSeconds?: number;
  /** The clock; tests pin it. */
  now?: () => number;
}

/** The shortest signing key accepted: `./ordo dev` makes 43 random characters. */
export const MIN_URL_SIGNING_KEY_LENGTH = 32;

/** Default shortest lifetime of a signed URL. */
export const DEFAULT_FILE_URL_TTL_SECONDS = 600;

/** Makes and checks signed URLs with one secret. */
export interface UrlSigner {
  /** The signature (base64url of HMAC-SHA256) of a grant. */
  sign(grant: SignedUrlGrant): string;
  /**
   * Checks a request's query against the grant its method and path ask for: the
   * signature first (so nothing is said of an unsigned URL's expiry), then the expiry.
   */
  verify(
    target: { kind: SignedUrlKind; resource: string },
    query: Readonly<Record<string, string | undefined>>,
  ): { ok: true; grant: SignedUrlGrant } | { ok: false; refusal: SignedUrlRefusal };
  /** A URL granting `kind`/`resource` to `jobId` for `validForSeconds` (at least the minimum lifetime) from now. */
  url(kind: SignedUrlKind, resource: string, jobId: string, validForSeconds: number): string;
}

/** A signer over `options.key` (HMAC-SHA256, constant-time comparison). */
export function createUrlSigner(options: UrlSignerOptions): UrlSigner {
  if (options.key.length < MIN_URL_SIGNING_KEY_LENGTH)
    throw new Error(`a URL signing key must be at least ${MIN_URL_SIGNING_KEY_LENGTH} characters`);
  const now = options.now ?? (() => Date.now());
  const minTtl = options.minTtlSeconds ?? DEFAULT_FILE_URL_TTL_SECONDS;
  const mac = (grant: SignedUrlGrant): Buffer =>
    // One field a line, versioned: no value can contain the separator (they are checked
    // below), so two different grants never have the same text.
    createHmac('sha256', options.key)
      .update(['ordo-url-v1', grant.kind, grant.resource, grant.job_id, String(grant.expires)].join('\n'), 'utf8')
      .digest();
  const sign = (grant: SignedUrlGrant): string => mac(grant).toString('base64url');
  return {
    sign,
    verify(target, query) {
      const { job_id: jobId, expires: rawExpires, signature } = query;
      if (jobId === undefined || jobId === '' || jobId.includes('\n'))
        return malformed('job_id', 'is required: the job the URL was made for');
      if (rawExpires === undefined || !/^\d{1,12}$/.test(rawExpires))
        return malformed('expires', 'must be the Unix time (seconds) the URL was signed to expire at');
      if (signature === undefined || !/^[A-Za-z0-9_-]{43}$/.test(signature))
        return malformed('signature', 'must be the 43-character base64url HMAC-SHA256 the URL was signed with');
      if (target.resource.includes('\n')) return mismatch();
      const grant: SignedUrlGrant = { ...target, job_id: jobId, expires: Number(rawExpires) };
      const presented = Buffer.from(signature, 'base64url');
      const expected = mac(grant);
      // Both 32 bytes (the pattern above fixes the length), so the comparison is constant-time.
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return mismatch();
      if (grant.expires * 1000 < now())
        return {
          ok: false,
          refusal: {
            code: 'URL_EXPIRED',
            field: 'expires',
            message: `must not be past: the URL expired at ${new Date(grant.expires * 1000).toISOString()}`,
          },
        };
      return { ok: true, grant };
    },
    url(kind, resource, jobId, validForSeconds) {
      if (options.publicUrl === undefined) throw new Error('making signed URLs needs the public URL (ORDO_PUBLIC_URL)');
      const expires = Math.ceil(now() / 1000) + Math.max(Math.ceil(validForSeconds), minTtl);
      const grant: SignedUrlGrant = { kind, resource, job_id: jobId, expires };
      const query = new URLSearchParams({ job_id: jobId, expires: String(expires), signature: sign(grant) });
      return `${options.publicUrl.replace(/\/+$/, '')}${signedUrlPath(kind, resource)}?${query.toString()}`;
    },
  };
}

function malformed(field: 'job_id' | 'expires' | 'signature', message: string) {
  return { ok: false as const, refusal: { code: 'MALFORMED' as const, field, message } };
}

function mismatch() {
  return {
    ok: false as const,
    refusal: {
      code: 'SIGNATURE_MISMATCH' as const,
      field: 'signature' as const,
      message: 'does not match this URL: it was signed for another file, value, job or expiry, or not by this API',
    },
  };
}
