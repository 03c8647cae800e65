import type { JobEvent } from '@ordo/core';
import type { JobEventFilter, JobEventRepository } from '@ordo/storage';

/** How often the shared reader asks the event log for new rows while anyone listens. */
export const DEFAULT_EVENT_POLL_MS = 150;
/** The most rows one read of the log (the tail, or a subscriber's backlog page) takes. */
const PAGE = 500;

/** What a subscription hands its stream: events in id order, and whether it has caught up. */
export type EventBatch = { events: JobEvent[]; caught_up: boolean };

/**
 * The API process's one reader of the job event log, fanning new events out to every open
 * stream: one query every `pollMs` while any stream is open, however many there are (none
 * while nobody listens), never a query loop per client. A subscriber first reads its own
 * backlog (the events after its `Last-Event-ID`) up to the reader's cursor at the moment it
 * joined, and meanwhile queues what the reader finds past that cursor, so it gets every
 * event after its starting point once, in order. Event ids grow in commit order (see
 * `job-events.ts` in storage), so the cursor never passes an event that commits late.
 */
export class JobEventHub {
  private cursor: number | undefined;
  private starting: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly subscribers = new Set<Subscriber>();

  constructor(
    private readonly events: JobEventRepository,
    private readonly pollMs = DEFAULT_EVENT_POLL_MS,
  ) {}

  /** Streams open now. */
  get size(): number {
    return this.subscribers.size;
  }

  /**
   * Events matching `filter` after `after` (an event id), or after the newest event when
   * undefined: batches until `signal` aborts or {@link close}.
   */
  async *subscribe(filter: JobEventFilter, after: number | undefined, signal: AbortSignal): AsyncGenerator<EventBatch> {
    await this.start();
    // Read and joined in one turn: a read of the tail finishing in between would hand this
    // subscriber neither its events (not yet joined) nor its backlog (past the cursor it read).
    const cursor = this.cursor ?? 0;
    const subscriber = new Subscriber(filter, after ?? cursor);
    this.subscribers.add(subscriber);
    this.schedule();
    const onAbort = () => subscriber.end();
    signal.addEventListener('abort', onAbort);
    try {
      // The backlog: what was logged before this subscriber joined the reader, page by page.
      for (;;) {
        if (subscriber.ended) return;
        const page = await this.events.list(filter, subscriber.last, PAGE, cursor);
        if (page.length === 0) break;
        subscriber.last = page.at(-1)!.event_id;
        yield { events: page, caught_up: page.length < PAGE && subscriber.queued() === 0 };
      }
      for (;;) {
        const events = await subscriber.next();
        if (events === undefined) return;
        yield { events, caught_up: subscriber.queued() === 0 };
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.subscribers.delete(subscriber);
    }
  }

  /** Ends every open stream (the API is stopping). */
  close(): void {
    for (const subscriber of this.subscribers) subscriber.end();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The reader's cursor, read from the log's newest id the first time anyone subscribes. */
  private async start(): Promise<void> {
    if (this.cursor !== undefined) return;
    this.starting ??= this.events.latestId().finally(() => (this.starting = undefined));
    const latest = await this.starting;
    this.cursor ??= latest;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.polling || this.subscribers.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, this.pollMs);
  }

  /** One read of the log's tail, handed to every subscriber whose filter it matches. */
  private async poll(): Promise<void> {
    this.polling = true;
    try {
      for (;;) {
        const cursor = this.cursor ?? 0;
        const page = await this.events.list({}, cursor, PAGE);
        if (page.length === 0) break;
        this.cursor = page.at(-1)!.event_id;
        for (const subscriber of this.subscribers) subscriber.offer(page);
        if (page.length < PAGE) break;
      }
    } catch (err) {
      // The database may be down a while: the streams stay open and the next read catches up.
      console.warn(`Job event reader: ${String(err)}`);
    } finally {
      this.polling = false;
      this.schedule();
    }
  }
}

/** One open stream's place in the log and the events queued for it. */
class Subscriber {
  private queue: JobEvent[] = [];
  private wake: (() => void) | undefined;
  ended = false;

  constructor(
    private readonly filter: JobEventFilter,
    /** The last event id handed to the stream. */
    public last: number,
  ) {}

  queued(): number {
    return this.queue.length;
  }

  /** Queues the events of a page of the tail that match, past what the stream has. */
  offer(page: readonly JobEvent[]): void {
    for (const event of page) if (matches(this.filter, event)) this.queue.push(event);
    if (this.queue.length > 0) this.wake?.();
  }

  /** The queued events after the last handed out, waiting for some; undefined once ended. */
  async next(): Promise<JobEvent[] | undefined> {
    for (;;) {
      if (this.ended) return undefined;
      const events = this.queue.filter((event) => event.event_id > this.last);
      this.queue = [];
      if (events.length > 0) {
        this.last = events.at(-1)!.event_id;
        return events;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }
}

function matches(filter: JobEventFilter, event: JobEvent): boolean {
  return (
    (filter.job_id === undefined || event.job_id === filter.job_id) &&
    (filter.workflow_id === undefined || event.workflow_id === filter.workflow_id) &&
    (filter.job_status === undefined || event.job_status === filter.job_status)
  );
}
