import { createServer, connect, type Server, type Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** Which way a held proxy stops forwarding bytes. */
export type HeldDirection = 'to-server' | 'to-client';

/** One client connection through the proxy and its upstream connection. */
interface Pair {
  client: Socket;
  upstream: Socket;
  connected: boolean;
  held: Record<HeldDirection, Buffer[]>;
}

/**
 * A TCP proxy in front of a real server that a test can hold: bytes in the held direction
 * are kept instead of forwarded, so a call through it is in flight but unanswered (held
 * `to-server`: the server never hears it; held `to-client`: the server acted, the caller
 * never hears back). `drop` then cuts every connection and forgets what was held, as a
 * process dying with the call in flight would.
 */
export class HoldingProxy {
  private readonly pairs = new Set<Pair>();
  private holding: HeldDirection | undefined;

  private constructor(
    private readonly server: Server,
    /** `host:port` to give the client instead of the server's address. */
    readonly address: string,
  ) {}

  /** Starts a proxy on `port` (by default a free one) forwarding to `target` (`host:port`). */
  static async start(target: string, listenPort = 0): Promise<HoldingProxy> {
    const separator = target.lastIndexOf(':');
    const host = target.slice(0, separator);
    const port = Number(target.slice(separator + 1));
    // The server exists before the proxy that wraps it; connections come only after both do.
    const self: { proxy?: HoldingProxy } = {};
    const server = createServer((client) => self.proxy?.accept(client, host, port));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('the proxy has no address');
    self.proxy = new HoldingProxy(server, `127.0.0.1:${address.port}`);
    return self.proxy;
  }

  private accept(client: Socket, host: string, port: number): void {
    const upstream = connect({ host, port });
    const pair: Pair = { client, upstream, connected: false, held: { 'to-server': [], 'to-client': [] } };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => this.forward(pair, 'to-server', chunk));
    upstream.on('data', (chunk: Buffer) => this.forward(pair, 'to-client', chunk));
    upstream.once('connect', () => {
      pair.connected = true;
      if (this.holding !== 'to-server') this.flush(pair, 'to-server');
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.once('close', close);
    upstream.once('close', close);
    client.on('error', close);
    upstream.on('error', close);
  }

  private forward(pair: Pair, direction: HeldDirection, chunk: Buffer): void {
    if (this.holding === direction || (direction === 'to-server' && !pair.connected)) {
      pair.held[direction].push(chunk);
      return;
    }
    (direction === 'to-server' ? pair.upstream : pair.client).write(chunk);
  }

  private flush(pair: Pair, direction: HeldDirection): void {
    const target = direction === 'to-server' ? pair.upstream : pair.client;
    for (const chunk of pair.held[direction].splice(0)) target.write(chunk);
  }

  /** Stops forwarding bytes in one direction (the other keeps flowing). */
  hold(direction: HeldDirection): void {
    this.holding = direction;
  }

  /**
   * The gRPC messages held so far in `direction`, decompressed: the bytes of each
   * connection's HTTP/2 DATA frames, split into length-prefixed messages (a gzip-compressed
   * one, as Temporal's native client sends, unzipped). Holding starts between calls, so
   * the held bytes begin at a frame boundary.
   */
  heldMessages(direction: HeldDirection): Buffer[] {
    return [...this.pairs].flatMap((pair) => grpcMessages(Buffer.concat(pair.held[direction])));
  }

  /** Cuts every connection and discards what was held: nothing held ever arrives. */
  drop(): void {
    for (const pair of this.pairs) {
      pair.held['to-server'] = [];
      pair.held['to-client'] = [];
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Forwards both ways again, first delivering what was held. */
  release(): void {
    this.holding = undefined;
    for (const pair of this.pairs) {
      if (pair.connected) this.flush(pair, 'to-server');
      this.flush(pair, 'to-client');
    }
  }

  /** Cuts every connection and stops listening. */
  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const HTTP2_FRAME_HEADER = 9;
const HTTP2_DATA = 0x0;
const HTTP2_PADDED = 0x8;

/** The complete gRPC messages in a run of HTTP/2 frames (one stream's DATA is enough here). */
function grpcMessages(bytes: Buffer): Buffer[] {
  const data: Buffer[] = [];
  for (let at = 0; at + HTTP2_FRAME_HEADER <= bytes.length;) {
    const length = bytes.readUIntBE(at, 3);
    const type = bytes[at + 3];
    const flags = bytes[at + 4]!;
    const payload = bytes.subarray(at + HTTP2_FRAME_HEADER, at + HTTP2_FRAME_HEADER + length);
    at += HTTP2_FRAME_HEADER + length;
    if (type !== HTTP2_DATA) continue;
    const padding = flags & HTTP2_PADDED ? payload[0]! : 0;
    data.push(flags & HTTP2_PADDED ? payload.subarray(1, payload.length - padding) : payload);
  }
  const stream = Buffer.concat(data);
  const messages: Buffer[] = [];
  // Each message: a compressed flag, a 4-byte length, the message.
  for (let at = 0; at + 5 <= stream.length;) {
    const compressed = stream[at] === 1;
    const length = stream.readUInt32BE(at + 1);
    const message = stream.subarray(at + 5, at + 5 + length);
    if (message.length < length) break;
    messages.push(compressed ? gunzipSync(message) : message);
    at += 5 + length;
  }
  return messages;
}
