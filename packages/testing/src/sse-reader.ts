import { createParser, type EventSourceParser } from 'eventsource-parser';
import { JobEvent } from '@ordo/core';

/** One message of a `text/event-stream`, as a client sees it. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/**
 * Reads a `text/event-stream` response as a client does: messages in order, comment lines
 * counted (keep-alives), and `close()` to hang up mid-stream.
 */
export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private readonly ready: SseMessage[] = [];
  // The same parser as @ordo/client's streams: messages with their id and event, comments apart.
  private readonly parser: EventSourceParser = createParser({
    onEvent: ({ id, event, data }) =>
      this.ready.push({ ...(id === undefined ? {} : { id }), ...(event === undefined ? {} : { event }), data }),
    onComment: () => {
      this.comments++;
    },
  });
  /** Comment lines seen (`: keep-alive`). */
  comments = 0;
  /** True once the server ended the stream. */
  ended = false;

  constructor(res: Response) {
    if (!res.body) throw new Error('the response has no body');
    this.reader = res.body.getReader();
  }

  /** The next message, or undefined once the server ended the stream. */
  async next(): Promise<SseMessage | undefined> {
    for (;;) {
      const message = this.ready.shift();
      if (message) return message;
      if (this.ended) return undefined;
      const { done, value } = await this.reader.read();
      if (done) {
        this.ended = true;
        continue;
      }
      this.parser.feed(this.decoder.decode(value, { stream: true }));
    }
  }

  /** The next message that is a job event, parsed (every one must match `JobEvent`). */
  async nextEvent(): Promise<JobEvent | undefined> {
    const message = await this.next();
    if (message === undefined) return undefined;
    const event = JobEvent.parse(JSON.parse(message.data));
    if (message.id !== String(event.event_id) || message.event !== event.type)
      throw new Error(`SSE id/event ${message.id}/${message.event} do not match the data ${message.data}`);
    return event;
  }

  /** Events until `until` holds of one (included), or the stream ends. */
  async eventsUntil(until: (event: JobEvent) => boolean): Promise<JobEvent[]> {
    const events: JobEvent[] = [];
    for (;;) {
      const event = await this.nextEvent();
      if (event === undefined) return events;
      events.push(event);
      if (until(event)) return events;
    }
  }

  /** Every event to the end of the stream. */
  rest(): Promise<JobEvent[]> {
    return this.eventsUntil(() => false);
  }

  /** Hangs up. */
  async close(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}
