import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { z } from 'zod';
import { JobEvent, JobEventData, JobStatus } from '@ordo/core';
import type { JobEventFilter } from '@ordo/storage';
import { isFinalJobEvent } from '@ordo/storage';
import { principalOf } from '../auth';
import type { AppDeps } from '../deps';
import type { JobEventHub } from '../job-event-hub';
import { component, createRouter, route } from '../openapi';
import { ApiProblem, notFound } from '../problem';

/** The default cap on streams one API key holds open. */
export const DEFAULT_STREAMS_PER_KEY = 16;
/** The default time between keep-alive comments on a stream. */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

const JobEventRef = component(JobEvent.extend({ data: component(JobEventData, 'JobEventData') }), 'JobEvent');

/** `Last-Event-ID`: the `id` of the last event the client has; the stream resumes after it. */
const LastEventIdHeader = z.object({
  'last-event-id': z
    .string()
    .regex(/^\d{1,15}$/, 'must be the id of an event (a whole number)')
    .optional()
    .describe('The `id` of the last event received: the stream sends every event after it, none twice'),
});

const JobIdParam = z.object({ job_id: z.string().min(1).max(128).describe('The job_id returned by POST /v1/jobs') });

const EventsQuery = z.strictObject({
  workflow_id: z.string().min(1).max(128).optional().describe("Only events of this workflow's jobs"),
  status: JobStatus.optional().describe("Only events after which the job's status is this one"),
});

const SSE_DESCRIPTION =
  'A `text/event-stream`: each event has `id` (its `event_id`), `event` (its `type`) and `data` (the `JobEvent` as JSON); a comment line (`: keep-alive`) keeps an idle connection open.';

const eventStream = (description: string) => ({
  description: `${description}. ${SSE_DESCRIPTION}`,
  content: { 'text/event-stream': { schema: JobEventRef } },
  headers: z.object({ 'Cache-Control': z.string().describe('`no-cache`') }),
});

const TAGS: [string] = ['events'];

const jobEvents = route({
  operationId: 'streamJobEvents',
  method: 'get',
  path: '/jobs/{job_id}/events',
  tags: TAGS,
  summary: "Stream a job's events",
  description:
    "Server-sent events of the job, from what its run persists: `job.started`, `step.started`, `step.progress`, `step.completed`, `step.failed`, `step.disabled`, `step.waiting`, `job.paused`, `job.resumed`, `job.completed`, `job.failed`, `job.cancelled`, `job.reset`. From the job's first event, or after `Last-Event-ID`. The stream ends after the job's final event (`job.completed`, `job.failed`, `job.cancelled`) once nothing follows it.",
  request: { params: JobIdParam, headers: LastEventIdHeader },
  responses: { 200: eventStream("The job's events") },
  problems: [404, 429],
});

const allEvents = route({
  operationId: 'streamEvents',
  method: 'get',
  path: '/events',
  tags: TAGS,
  summary: 'Stream the events of many jobs',
  description:
    "Server-sent events of every job (for dashboards), filtered by workflow and by the job's status after the event: from now, or after `Last-Event-ID`. The stream stays open.",
  request: { query: EventsQuery, headers: LastEventIdHeader },
  responses: { 200: eventStream('The events') },
  problems: [429],
});

/** `GET /v1/jobs/{job_id}/events` and `GET /v1/events`, fed by the process's one {@link JobEventHub}. */
export function eventRoutes(deps: AppDeps, hub: JobEventHub) {
  const maxPerKey = deps.eventStreams?.maxPerKey ?? DEFAULT_STREAMS_PER_KEY;
  const keepAliveMs = deps.eventStreams?.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  const open = new Map<string, number>();

  /** Counts the caller's stream, refusing one past the cap before anything is sent. */
  const admit = (c: Context): (() => void) => {
    const principal = principalOf(c);
    const count = open.get(principal) ?? 0;
    if (count >= maxPerKey) {
      c.header('Retry-After', '5');
      throw new ApiProblem(
        429,
        'TOO_MANY_STREAMS',
        'Too many open event streams',
        `this API key holds ${count} open event streams, the most it may (ORDO_EVENT_STREAMS_PER_KEY)`,
      );
    }
    open.set(principal, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (open.get(principal) ?? 1) - 1;
      if (left === 0) open.delete(principal);
      else open.set(principal, left);
    };
  };

  const serve = (c: Context, filter: JobEventFilter, after: number | undefined, endsAfterFinal: boolean) => {
    const release = admit(c);
    c.header('Cache-Control', 'no-cache');
    return streamSSE(
      c,
      async (stream) => {
        const aborted = new AbortController();
        stream.onAbort(() => aborted.abort());
        const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n').catch(() => undefined), keepAliveMs);
        try {
          await pump(stream, hub.subscribe(filter, after, aborted.signal), endsAfterFinal);
        } finally {
          clearInterval(keepAlive);
          aborted.abort();
          release();
        }
      },
      (err) => {
        console.warn(`${c.req.method} ${c.req.path}: event stream failed: ${String(err)}`);
        release();
        return Promise.resolve();
      },
    );
  };

  return createRouter()
    .openapi(jobEvents, async (c) => {
      const { job_id } = c.req.valid('param');
      const lastId = c.req.valid('header')['last-event-id'];
      if ((await deps.store.jobs.status(job_id)) === undefined) throw notFound('Job', job_id);
      // From the job's first event unless resuming: a job's whole story is short.
      return serve(c, { job_id }, lastId === undefined ? 0 : Number(lastId), true);
    })
    .openapi(allEvents, (c) => {
      const { workflow_id, status } = c.req.valid('query');
      const lastId = c.req.valid('header')['last-event-id'];
      const filter: JobEventFilter = {
        ...(workflow_id !== undefined && { workflow_id }),
        ...(status !== undefined && { job_status: status }),
      };
      return serve(c, filter, lastId === undefined ? undefined : Number(lastId), false);
    });
}

/** Writes a subscription's batches as SSE messages; a job's stream ends after its final event once caught up. */
async function pump(
  stream: SSEStreamingApi,
  batches: AsyncGenerator<{ events: JobEvent[]; caught_up: boolean }>,
  endsAfterFinal: boolean,
): Promise<void> {
  for await (const { events, caught_up } of batches) {
    for (const event of events) {
      await stream.writeSSE({ id: String(event.event_id), event: event.type, data: JSON.stringify(event) });
    }
    const last = events.at(-1);
    if (endsAfterFinal && caught_up && last !== undefined && isFinalJobEvent(last)) return;
  }
}
