import { describe, expect, it } from 'vitest';
import { createUrlSigner, signedUrlTarget } from './signed-urls';

const KEY = 'k'.repeat(32);
const T0 = Date.UTC(2026, 0, 1) / 1000;

/** A signer at a pinned time (seconds). */
function signerAt(seconds: number, key = KEY) {
  return createUrlSigner({
    key,
    publicUrl: 'https://ordo.example/base/',
    minTtlSeconds: 600,
    now: () => seconds * 1000,
  });
}

/** The target and query of a URL the signer made. */
function parse(url: string, method = 'GET') {
  const u = new URL(url);
  const path = u.pathname.replace(/^\/base/, '');
  return { target: signedUrlTarget(method, path), query: Object.fromEntries(u.searchParams) };
}

describe('signed URLs', () => {
  it('makes a URL under the public base that verifies for its own file, job and expiry', () => {
    const url = signerAt(T0).url('file', 'file_abc', 'job_1', 60);
    expect(url.startsWith('https://ordo.example/base/v1/files/file_abc/content?job_id=job_1&expires=')).toBe(true);
    const { target, query } = parse(url);
    expect(target).toEqual({ kind: 'file', resource: 'file_abc' });
    // At least the minimum lifetime, however short the asked one.
    expect(Number(query.expires)).toBe(T0 + 600);
    expect(signerAt(T0 + 599).verify(target!, query)).toEqual({
      ok: true,
      grant: { kind: 'file', resource: 'file_abc', job_id: 'job_1', expires: T0 + 600 },
    });
  });

  it('lives as long as asked when that is longer than the minimum', () => {
    const { query } = parse(signerAt(T0).url('value', 'a'.repeat(64), 'job_1', 3600));
    expect(Number(query.expires)).toBe(T0 + 3600);
  });

  it('refuses another file, another job, another kind, a changed expiry, another key: the signature', () => {
    const { target, query } = parse(signerAt(T0).url('file', 'file_abc', 'job_1', 60));
    const signer = signerAt(T0);
    const refusal = (t: typeof target, q: typeof query, s = signer) => {
      const result = s.verify(t!, q);
      return result.ok ? undefined : result.refusal;
    };
    expect(refusal({ kind: 'file', resource: 'file_other' }, query)).toMatchObject({
      code: 'SIGNATURE_MISMATCH',
      field: 'signature',
    });
    expect(refusal(target, { ...query, job_id: 'job_2' })?.field).toBe('signature');
    expect(refusal({ kind: 'value', resource: 'file_abc' }, query)?.field).toBe('signature');
    expect(refusal(target, { ...query, expires: String(Number(query.expires) + 1) })?.field).toBe('signature');
    expect(refusal(target, query, signerAt(T0, 'x'.repeat(32)))?.field).toBe('signature');
    const flipped = query.signature!.startsWith('A')
      ? `B${query.signature!.slice(1)}`
      : `A${query.signature!.slice(1)}`;
    expect(refusal(target, { ...query, signature: flipped })?.field).toBe('signature');
  });

  it('refuses an expired URL naming expires, and only once its signature matched', () => {
    const { target, query } = parse(signerAt(T0).url('upload', '', 'job_1', 60), 'POST');
    expect(target).toEqual({ kind: 'upload', resource: '' });
    const late = signerAt(T0 + 601).verify(target!, query);
    expect(late).toMatchObject({ ok: false, refusal: { code: 'URL_EXPIRED', field: 'expires' } });
    // A forged URL with a past expiry says nothing of its expiry: its signature is wrong.
    const forged = signerAt(T0 + 601).verify(target!, { ...query, expires: String(T0) });
    expect(forged).toMatchObject({ ok: false, refusal: { field: 'signature' } });
  });

  it('refuses a missing or malformed parameter naming it', () => {
    const { target, query } = parse(signerAt(T0).url('file', 'f', 'job_1', 60));
    const field = (q: Record<string, string | undefined>) => {
      const result = signerAt(T0).verify(target!, q);
      return result.ok ? undefined : result.refusal.field;
    };
    expect(field({ ...query, job_id: undefined })).toBe('job_id');
    expect(field({ ...query, expires: 'soon' })).toBe('expires');
    expect(field({ ...query, signature: 'short' })).toBe('signature');
  });

  it('opens only its three routes with their methods', () => {
    expect(signedUrlTarget('GET', '/v1/files/f1/content')).toEqual({ kind: 'file', resource: 'f1' });
    expect(signedUrlTarget('GET', '/v1/values/abc')).toEqual({ kind: 'value', resource: 'abc' });
    expect(signedUrlTarget('POST', '/v1/uploads')).toEqual({ kind: 'upload', resource: '' });
    expect(signedUrlTarget('DELETE', '/v1/files/f1')).toBeUndefined();
    expect(signedUrlTarget('GET', '/v1/files/f1')).toBeUndefined();
    expect(signedUrlTarget('POST', '/v1/files/f1/content')).toBeUndefined();
    expect(signedUrlTarget('GET', '/v1/uploads')).toBeUndefined();
    expect(signedUrlTarget('GET', '/v1/jobs/j1')).toBeUndefined();
  });

  it('refuses a key shorter than 32 characters', () => {
    expect(() => createUrlSigner({ key: 'short' })).toThrow(/at least 32/);
  });
});
