import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import { ResponseChecker, TEST_API_KEY, type OpenApiDocument } from '@ordo/testing';
import { startApiServer, type ApiServer } from '../src/server';
import { createJob, startApiStack, toolStepDefinition, waitForJob, type ApiStack } from './harness';
import { rawRequest, type RawResponse } from './raw-http';

/** How a client may send "no body": each is the same request to the API. */
const NO_BODY = {
  /** `curl -X POST`: neither a length nor a type. */
  none: [],
  /** A client that always sends JSON: the type, and an empty body. */
  jsonEmpty: [
    ['Content-Type', 'application/json'],
    ['Content-Length', '0'],
  ],
  /** The same, with a charset, framed as an empty chunked body. */
  jsonChunked: [
    ['Content-Type', 'application/json; charset=utf-8'],
    ['Transfer-Encoding', 'chunked'],
  ],
  /** A JSON type and nothing but a line break. */
  jsonBlank: [['Content-Type', 'application/json']],
} as const;

/**
 * Finding 10: a POST whose body is optional (the controls, start, validate) answers as the
 * route does without a body, however the client says "no body", over real HTTP as curl sends
 * it; and the README's control commands work exactly as written.
 */
describe('POSTs without a body', () => {
  let stack: ApiStack;
  let server: ApiServer;
  let port: number;
  let checker: ResponseChecker;

  beforeAll(async () => {
    stack = await startApiStack('bodyless');
    server = await startApiServer(stack.app.fetch, { hostname: '127.0.0.1', port: 0 });
    port = Number(new URL(server.url).port);
    checker = new ResponseChecker((await (await stack.request('/openapi.json')).json()) as OpenApiDocument);
  });
  afterAll(async () => {
    await server?.close();
    await stack?.stop();
  });

  async function post(
    path: string,
    framing: keyof typeof NO_BODY,
    extra: [string, string][] = [],
  ): Promise<RawResponse> {
    const body = framing === 'jsonChunked' ? '0\r\n\r\n' : framing === 'jsonBlank' ? '\n' : undefined;
    const res = await rawRequest(port, {
      method: 'POST',
      path,
      headers: [
        ['Host', `localhost:${port}`],
        ['Authorization', `Bearer ${TEST_API_KEY}`],
        ...NO_BODY[framing],
        ...extra,
      ],
      ...(body !== undefined && { body }),
    });
    checker.check({ method: 'POST', path, status: res.status, headers: res.headers, body: res.body });
    return res;
  }
  const jobOf = (res: RawResponse) => Job.parse(JSON.parse(res.body));

  it('runs start, pause, resume, cancel, retry, reset and validate with no body, however it is framed', async () => {
    const job = await createJob(stack, {
      steps: [toolStepDefinition('wait', 'sleep', { ms: 30_000 }), toolStepDefinition('after', 'noop')],
    });
    const started = await post(`/v1/jobs/${job.job_id}/start`, 'none');
    expect(started.status, started.body).toBe(202);
    expect(jobOf(started).status).toBe('RUNNING');
    await waitForJob(stack, job.job_id, (j) => j.steps[0]?.status === 'RUNNING');

    const paused = await post(`/v1/jobs/${job.job_id}/pause`, 'jsonEmpty');
    expect(paused.status, paused.body).toBe(200);
    expect(jobOf(paused).execution_progress.is_paused).toBe(true);
    const resumed = await post(`/v1/jobs/${job.job_id}/resume`, 'jsonChunked');
    expect(resumed.status, resumed.body).toBe(200);
    expect(jobOf(resumed).execution_progress.is_paused).toBe(false);

    const cancelled = await post(`/v1/jobs/${job.job_id}/cancel`, 'none');
    expect(cancelled.status, cancelled.body).toBe(202);
    await waitForJob(stack, job.job_id, (j) => j.status === 'FAILED');

    const plan = await post(`/v1/jobs/${job.job_id}/retry?dry_run=true`, 'jsonBlank');
    expect(plan.status, plan.body).toBe(200);
    expect(JSON.parse(plan.body)).toMatchObject({ dry_run: true });

    const reset = await post(`/v1/jobs/${job.job_id}/reset`, 'none');
    expect(reset.status, reset.body).toBe(200);
    expect(jobOf(reset).status).toBe('PENDING');
    const validated = await post(`/v1/jobs/${job.job_id}/inputs/validate`, 'jsonEmpty');
    expect(validated.status, validated.body).toBe(200);
    expect(JSON.parse(validated.body)).toMatchObject({ valid: true });
  });

  it('takes "no body" as one request for idempotency, however it is framed', async () => {
    const job = await createJob(stack, { steps: [toolStepDefinition('wait', 'sleep', { ms: 30_000 })] });
    const key: [string, string] = ['Idempotency-Key', `bodyless-${job.job_id}`];
    const first = await post(`/v1/jobs/${job.job_id}/start`, 'none', [key]);
    expect(first.status, first.body).toBe(202);
    const again = await post(`/v1/jobs/${job.job_id}/start`, 'jsonEmpty', [key]);
    expect(again.status, again.body).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(jobOf(again).job_id).toBe(job.job_id);
    expect((await post(`/v1/jobs/${job.job_id}/cancel`, 'none')).status).toBe(202);
  });
});
