import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ResponseChecker,
  startProcessStack,
  TEST_API_KEY,
  type OpenApiDocument,
  type ProcessStack,
} from '@ordo/testing';
import { createOrdoClient, ok, OrdoApiError, streamJobEvents, type JobEvent, type OrdoClient } from '../src/index';

/**
 * A fetch that records each request, checks each answer against the API's OpenAPI document,
 * and, once, cuts an event stream after its second event.
 */
function recordingFetch(checker: ResponseChecker) {
  const requests: {
    method: string;
    url: string;
    contentType: string | null;
    body: string | null;
    lastEventId: string | null;
  }[] = [];
  let cut = false;
  const fetcher: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    requests.push({
      method: request.method,
      url: request.url,
      contentType: request.headers.get('content-type'),
      body: request.body ? await request.clone().text() : null,
      lastEventId: request.headers.get('last-event-id'),
    });
    const response = await fetch(request);
    await checker.checkResponse(request.method, request.url, response);
    if (cut || !request.url.endsWith('/events') || !response.body) return response;
    cut = true;
    // The connection drops after two whole events (a proxy timing out, a network blip).
    let events = 0;
    const decoder = new TextDecoder();
    const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        controller.enqueue(value);
        events += decoder.decode(value, { stream: true }).split('\n\n').length - 1;
        if (events >= 2) {
          await reader.cancel();
          controller.error(new TypeError('terminated'));
        }
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetcher, requests };
}

/** @ordo/client against an API and a worker process (real Temporal, SQLite). */
describe('@ordo/client', () => {
  let stack: ProcessStack;
  let client: OrdoClient;
  let recorded: ReturnType<typeof recordingFetch>;

  beforeAll(async () => {
    stack = await startProcessStack('client');
    const document = (await (await fetch(`${stack.base}/openapi.json`)).json()) as OpenApiDocument;
    recorded = recordingFetch(new ResponseChecker(document));
    client = createOrdoClient({ baseUrl: `${stack.base}/`, apiKey: TEST_API_KEY, fetch: recorded.fetcher });
    await ok(
      client.POST('/v1/workflows', {
        body: {
          workflow_id: 'wf_client_naps',
          name: 'Naps',
          status: 'PUBLISHED',
          input_variables: [],
          steps: ['a', 'b', 'c'].map((step_id) => ({
            type: 'tool' as const,
            step_id,
            tool: { tool_id: 'sleep', name: 'sleep' },
            parameter_mappings: { ms: 1_500 },
            output_mappings: {},
          })),
        },
      }),
    );
  });
  afterAll(() => stack?.stop());

  it('sends a bodyless POST as fetch does (no body, no Content-Type) and the API takes it', async () => {
    const job = await ok(client.POST('/v1/jobs', { body: { workflow_id: 'wf_client_naps', name: 'naps' } }));
    expect(job.status).toBe('PENDING');
    const started = await client.POST('/v1/jobs/{job_id}/start', { params: { path: { job_id: job.job_id } } });
    expect(started.response.status).toBe(202);
    const sent = recorded.requests.at(-1)!;
    expect(sent).toMatchObject({ method: 'POST', contentType: null, body: null });
    expect(sent.url).toBe(`${stack.base}/v1/jobs/${job.job_id}/start`);
    await ok(client.POST('/v1/jobs/{job_id}/cancel', { params: { path: { job_id: job.job_id } } }));
  });

  it("streams a job's events to its final one across a dropped connection: resumed with Last-Event-ID, none lost or twice", async () => {
    const job = await ok(
      client.POST('/v1/jobs', { body: { workflow_id: 'wf_client_naps', name: 'naps', start: true } }),
    );
    const reconnects: unknown[] = [];
    const events: JobEvent[] = [];
    for await (const event of streamJobEvents(client, job.job_id, {
      reconnectDelayMs: 100,
      onReconnect: (cause) => reconnects.push(cause),
    }))
      events.push(event);
    expect(reconnects).toHaveLength(1);
    // The second connection named the last event the first one delivered.
    const streams = recorded.requests.filter((r) => r.url.endsWith(`/v1/jobs/${job.job_id}/events`));
    expect(streams.map((r) => r.lastEventId)).toEqual([null, String(events[1]!.event_id)]);

    // The same events as one unbroken stream from the start gives.
    const whole: JobEvent[] = [];
    for await (const event of streamJobEvents(client, job.job_id)) whole.push(event);
    expect(events).toEqual(whole);
    const ids = events.map((e) => e.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(events.at(-1)!.type).toBe('job.completed');
    expect(events.filter((e) => e.type === 'step.completed').map((e) => e.data.step_id)).toEqual(['a', 'b', 'c']);
  });

  it('throws problems as data: detail, code, and each field with its rule', async () => {
    const missing = await ok(client.GET('/v1/jobs/{job_id}', { params: { path: { job_id: 'nope' } } })).catch(
      (err: unknown) => err,
    );
    expect(missing).toBeInstanceOf(OrdoApiError);
    expect((missing as OrdoApiError).problem).toMatchObject({ status: 404, code: 'NOT_FOUND' });

    const invalid = await ok(
      client.POST('/v1/workflows/validate', {
        body: {
          workflow_id: 'wf_dup',
          name: 'dup',
          input_variables: [],
          steps: ['a', 'a'].map((step_id) => ({
            type: 'tool' as const,
            step_id,
            tool: { tool_id: 'sleep', name: 'sleep' },
            parameter_mappings: { ms: 1 },
            output_mappings: {},
          })),
        },
      }),
    );
    expect(invalid.valid).toBe(false);
    expect(invalid.errors).toContainEqual(
      expect.objectContaining({ field: 'steps.1.step_id', rule: 'unique_step_ids' }),
    );

    const refused = (await ok(
      client.PUT('/v1/jobs/{job_id}/inputs/{variable_id}', {
        params: { path: { job_id: 'nope', variable_id: 'x' } },
        body: { value: 1 },
      }),
    ).catch((err: unknown) => err)) as OrdoApiError;
    expect(refused).toBeInstanceOf(OrdoApiError);
    expect(refused.describe()[0]).toBe(refused.problem!.detail);
  });
});
