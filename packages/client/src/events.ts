import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { OrdoClient } from './client';
import type { components } from './generated/openapi';
import { isProblem, OrdoApiError } from './problem';

/** One event of a job (`GET /v1/jobs/{job_id}/events`, `GET /v1/events`). */
export type JobEvent = components['schemas']['JobEvent'];

/** The events after which a job's run has ended: its stream closes after one. */
export const FINAL_EVENT_TYPES: ReadonlySet<JobEvent['type']> = new Set([
  'job.completed',
  'job.failed',
  'job.cancelled',
]);

/** How a stream resumes. */
export interface EventStreamOptions {
  /** Resume after this event (`Last-Event-ID`): the events after it, none twice. */
  lastEventId?: string;
  /** Ends the stream (the generator returns). */
  signal?: AbortSignal;
  /** Wait before reconnecting after the connection dropped; 1000 ms by default. */
  reconnectDelayMs?: number;
  /** Consecutive failed connections before giving up (the error is thrown); 30 by default. */
  maxReconnects?: number;
  /** Told of each reconnection, with what ended the connection before it. */
  onReconnect?: (cause: unknown) => void;
}

type OpenStream = (lastEventId: string | undefined, signal: AbortSignal | undefined) => Promise<Response>;

/**
 * A job's events, from the start (or after `lastEventId`) to its final event, reconnecting
 * with `Last-Event-ID` when the connection drops: every event once, in order.
 */
export function streamJobEvents(
  client: OrdoClient,
  jobId: string,
  options: EventStreamOptions = {},
): AsyncGenerator<JobEvent> {
  return resumableEvents(
    async (lastEventId, signal) =>
      (
        await client.GET('/v1/jobs/{job_id}/events', {
          params: { path: { job_id: jobId }, header: lastEventId ? { 'last-event-id': lastEventId } : {} },
          parseAs: 'stream',
          ...(signal && { signal }),
        })
      ).response,
    options,
    true,
  );
}

/** The events of many jobs (dashboards), filtered as `GET /v1/events` filters; it does not end by itself. */
export function streamEvents(
  client: OrdoClient,
  query: { workflow_id?: string; status?: JobEvent['job_status'] } = {},
  options: EventStreamOptions = {},
): AsyncGenerator<JobEvent> {
  return resumableEvents(
    async (lastEventId, signal) =>
      (
        await client.GET('/v1/events', {
          params: { query, header: lastEventId ? { 'last-event-id': lastEventId } : {} },
          parseAs: 'stream',
          ...(signal && { signal }),
        })
      ).response,
    options,
    false,
  );
}

async function* resumableEvents(
  open: OpenStream,
  options: EventStreamOptions,
  endsWithJob: boolean,
): AsyncGenerator<JobEvent> {
  let lastEventId = options.lastEventId;
  let failures = 0;
  for (;;) {
    let cause: unknown;
    try {
      const response = await open(lastEventId, options.signal);
      if (!response.ok) {
        const text = await response.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: kept as text
        }
        // An answer (401, 404, 429…) is final: reconnecting would get it again.
        throw new OrdoApiError(response.status, isProblem(body) ? body : undefined, body);
      }
      if (!response.body) throw new Error('the event stream answered without a body');
      const messages = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
      for await (const message of messages) {
        failures = 0;
        const event = JSON.parse(message.data) as JobEvent;
        lastEventId = message.id ?? String(event.event_id);
        yield event;
        if (endsWithJob && FINAL_EVENT_TYPES.has(event.type)) return;
      }
      cause = new Error('the server closed the event stream');
    } catch (err) {
      if (err instanceof OrdoApiError || options.signal?.aborted) throw err;
      cause = err;
    }
    if (options.signal?.aborted) return;
    if (++failures > (options.maxReconnects ?? 30)) throw cause;
    options.onReconnect?.(cause);
    await new Promise((resolve) => setTimeout(resolve, options.reconnectDelayMs ?? 1_000));
  }
}
