import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  CallContext,
  ConnectionLike,
  ConnectionPlugin,
  Metadata,
  OperatorService,
  WorkflowService,
} from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';

// The gRPC status codes the SDK's client reads: the server cannot be reached; the caller gave up.
const GRPC_UNAVAILABLE = 14;
const GRPC_CANCELLED = 1;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5_000;

/**
 * A call this connection ends itself, shaped as the gRPC error the SDK's own connection
 * gives in the same case: UNAVAILABLE while not connected, CANCELLED once the call's abort
 * signal fired.
 */
export class TemporalCallError extends Error {
  readonly metadata = undefined;
  constructor(
    readonly code: typeof GRPC_UNAVAILABLE | typeof GRPC_CANCELLED,
    readonly details: string,
  ) {
    super(`${code === GRPC_UNAVAILABLE ? '14 UNAVAILABLE' : '1 CANCELLED'}: ${details}`);
    this.name = 'TemporalCallError';
  }
}

/**
 * The API's connection to Temporal: Temporal's native (Rust) client, the one workers use,
 * which costs a request a fraction of the CPU of the pure-JavaScript gRPC client. A native
 * connection is only made eagerly, and the API must answer (stored jobs, `/ready` saying
 * Temporal is down) while Temporal is not up yet: this one connects in the background,
 * retrying with backoff, and until then every call fails at once with UNAVAILABLE, which
 * the job service already answers as Temporal being unavailable. Once connected, the
 * native client reconnects by itself after a server restart.
 */
export class LazyNativeConnection implements ConnectionLike {
  readonly plugins: ConnectionPlugin[] = [];
  readonly workflowService: WorkflowService;
  readonly operatorService: OperatorService;
  private readonly callContext = new AsyncLocalStorage<CallContext>();
  private connection: NativeConnection | undefined;
  private lastError = 'connecting';
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly connected: Promise<void>;

  constructor(private readonly options: NativeConnectionOptions) {
    this.workflowService = this.forward('workflowService');
    this.operatorService = this.forward('operatorService');
    this.connected = this.connectLoop();
  }

  /** Resolves once connected (or the connection was closed first). */
  async ensureConnected(): Promise<void> {
    await this.connected;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.connection?.close();
  }

  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return this.callContext.run({ ...this.callContext.getStore(), deadline }, fn);
  }

  withMetadata<R>(metadata: Metadata, fn: () => Promise<R>): Promise<R> {
    const current = this.callContext.getStore();
    return this.callContext.run({ ...current, metadata: { ...current?.metadata, ...metadata } }, fn);
  }

  withAbortSignal<R>(abortSignal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return this.callContext.run({ ...this.callContext.getStore(), abortSignal }, fn);
  }

  private async connectLoop(): Promise<void> {
    for (let wait = RETRY_MIN_MS; !this.closed; wait = Math.min(wait * 2, RETRY_MAX_MS)) {
      try {
        const connection = await NativeConnection.connect(this.options);
        if (this.closed) await connection.close();
        else this.connection = connection;
        return;
      } catch (err) {
        this.lastError = (err as Error).message;
      }
      await new Promise<void>((resolve) => (this.retry = setTimeout(resolve, wait)));
    }
  }

  /**
   * A service whose every method runs on the native connection's service, within this
   * connection's deadline, metadata and abort signal for the call.
   */
  private forward<S extends 'workflowService' | 'operatorService'>(service: S): NativeConnection[S] {
    return new Proxy({} as NativeConnection[S], {
      get: (_target, method: string | symbol) => {
        // Not a thenable, not an iterable: only the service's methods are forwarded.
        if (typeof method !== 'string' || method === 'then') return undefined;
        return (request: unknown) => this.call(service, method, request);
      },
    });
  }

  private call(service: 'workflowService' | 'operatorService', method: string, request: unknown): Promise<unknown> {
    const connection = this.connection;
    if (connection === undefined)
      return Promise.reject(new TemporalCallError(GRPC_UNAVAILABLE, `not connected to Temporal (${this.lastError})`));
    const { deadline, metadata, abortSignal } = this.callContext.getStore() ?? {};
    if (abortSignal?.aborted) return Promise.reject(new TemporalCallError(GRPC_CANCELLED, 'the call was aborted'));
    const methods = connection[service] as unknown as Record<string, (request: unknown) => Promise<unknown>>;
    // The native connection reads a call's deadline and metadata from its own call context.
    const call = connection.callContextStorage.run({ deadline, metadata }, () => methods[method]!(request));
    return abortSignal === undefined ? call : abortable(call, abortSignal);
  }
}

/**
 * The call, ended for its caller when `signal` fires. The native client does not take abort
 * signals (yet): the request itself runs on to its answer or deadline, and is then dropped.
 */
function abortable(call: Promise<unknown>, signal: AbortSignal): Promise<unknown> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new TemporalCallError(GRPC_CANCELLED, 'the call was aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([call, aborted]).finally(() => signal.removeEventListener('abort', onAbort!));
}
