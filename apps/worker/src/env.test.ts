import { describe, expect, it } from 'vitest';
import { EnvError } from '@ordo/core';
import { DEFAULT_TOOL_THREADS } from '@ordo/tools';
import { loadWorkerEnv } from './env';

describe("the worker's environment", () => {
  it('has working defaults', () => {
    expect(loadWorkerEnv({})).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      ORDO_TASK_QUEUE: 'ordo-jobs',
      ORDO_HTTP_ALLOWED_HOSTS: [],
      ORDO_INLINE_VALUE_LIMIT_BYTES: 256 * 1024,
    });
  });

  it('runs one heavy tool per core at once unless ORDO_TOOL_THREADS says otherwise', () => {
    expect(loadWorkerEnv({}).ORDO_TOOL_THREADS).toBe(DEFAULT_TOOL_THREADS);
    expect(loadWorkerEnv({ ORDO_TOOL_THREADS: '3' }).ORDO_TOOL_THREADS).toBe(3);
    expect(() => loadWorkerEnv({ ORDO_TOOL_THREADS: '0' })).toThrow(/ORDO_TOOL_THREADS: must be at least 1/);
  });

  it('takes the signed-URL settings: the API as its default public URL, a key of 32 characters or more, a lifetime', () => {
    expect(loadWorkerEnv({})).toMatchObject({
      ORDO_PUBLIC_URL: 'http://127.0.0.1:3000',
      ORDO_FILE_URL_TTL_SECONDS: 600,
    });
    expect(loadWorkerEnv({}).ORDO_URL_SIGNING_KEY).toBeUndefined();
    expect(loadWorkerEnv({ ORDO_URL_SIGNING_KEY: '' }).ORDO_URL_SIGNING_KEY).toBeUndefined();
    const key = 'k'.repeat(32);
    expect(
      loadWorkerEnv({
        ORDO_URL_SIGNING_KEY: key,
        ORDO_PUBLIC_URL: 'https://ordo.example.com/api',
        ORDO_FILE_URL_TTL_SECONDS: '900',
      }),
    ).toMatchObject({
      ORDO_URL_SIGNING_KEY: key,
      ORDO_PUBLIC_URL: 'https://ordo.example.com/api',
      ORDO_FILE_URL_TTL_SECONDS: 900,
    });
    expect(() =>
      loadWorkerEnv({ ORDO_URL_SIGNING_KEY: 'short', ORDO_PUBLIC_URL: 'ftp://x', ORDO_FILE_URL_TTL_SECONDS: '1' }),
    ).toThrow(
      /ORDO_PUBLIC_URL: must be an http\(s\) URL[\s\S]*ORDO_URL_SIGNING_KEY: must be at least 32 characters[\s\S]*ORDO_FILE_URL_TTL_SECONDS: must be at least 10/,
    );
  });

  it('takes the allowlist of http_request hosts in each accepted form', () => {
    expect(
      loadWorkerEnv({ ORDO_HTTP_ALLOWED_HOSTS: 'api.example.com, *.example.org,host:8080,[::1]:9000' })
        .ORDO_HTTP_ALLOWED_HOSTS,
    ).toEqual(['api.example.com', '*.example.org', 'host:8080', '[::1]:9000']);
  });

  it('takes a workflow cache size of 0 or from 2, and refuses 1 (the SDK has no cache of 1)', () => {
    expect(loadWorkerEnv({}).ORDO_WORKER_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadWorkerEnv({ ORDO_WORKER_MAX_CACHED_WORKFLOWS: '' }).ORDO_WORKER_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(loadWorkerEnv({ ORDO_WORKER_MAX_CACHED_WORKFLOWS: '0' }).ORDO_WORKER_MAX_CACHED_WORKFLOWS).toBe(0);
    expect(loadWorkerEnv({ ORDO_WORKER_MAX_CACHED_WORKFLOWS: '2' }).ORDO_WORKER_MAX_CACHED_WORKFLOWS).toBe(2);
    for (const bad of ['1', '-1', '2.5', 'many']) {
      expect(() => loadWorkerEnv({ ORDO_WORKER_MAX_CACHED_WORKFLOWS: bad }), bad).toThrow(
        /ORDO_WORKER_MAX_CACHED_WORKFLOWS: must be/,
      );
    }
  });

  it('names every bad variable at once, one line each', () => {
    let error: unknown;
    try {
      loadWorkerEnv({
        TEMPORAL_API_KEY: 'key with spaces',
        ORDO_HTTP_ALLOWED_HOSTS: 'https://api.example.com/v1',
        ORDO_INLINE_VALUE_LIMIT_BYTES: '10',
        TEMPORAL_TLS: 'false',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).issues.map((i) => `${i.variable}: ${i.message}`)).toEqual([
      'TEMPORAL_API_KEY: must be printable ASCII without spaces',
      'ORDO_HTTP_ALLOWED_HOSTS.0: each entry must be a host name, *.domain, or host:port, without scheme or path',
      'ORDO_INLINE_VALUE_LIMIT_BYTES: must be at least 1024',
    ]);
    expect((error as EnvError).message).toMatch(/^Invalid worker environment \(3 problems\):\n {2}TEMPORAL_API_KEY: /);
  });
});
