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
  private buffer = '';
  private readonly ready: SseMessage[] = [];
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
      this.buffer += this.decoder.decode(value, { stream: true });
      this.parse();
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

  private parse(): void {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) return;
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = { data: '' };
      let hasData = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.comments++;
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') message.id = value;
        else if (field === 'event') message.event = value;
        else if (field === 'data') {
          message.data = hasData ? `${message.data}\n${value}` : value;
          hasData = true;
        }
      }
      if (hasData) this.ready.push(message);
    }
  }
}
