import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { FileReader, StoredFile } from '../file-reader';
import type { ToolContext, ToolDefinition, ToolThreadSettings } from '../tool-definition';
import { ToolError } from '../tool-error';
import { ConcurrencyLimit } from './concurrency-limit';
import { STOP_REQUESTED } from './thread-messages';
import type { FileReply, StopRequest, ThreadMessage, ThreadResult, ThreadTask } from './thread-messages';

/** Heavy tool runs at once, by default: one per core, so they never starve each other or the event loop of CPU. */
export const DEFAULT_TOOL_THREADS = availableParallelism();

/** How long a tool's idle thread is kept for its next run: loading a tool's modules in a new thread takes about a second. */
export const DEFAULT_THREAD_IDLE_MS = 60_000;

/**
 * How long a run asked to stop may take to give up before its thread is terminated. A tool
 * that checks its signal stops within one unit of its work (pdf_extractor: one page, a few
 * milliseconds); only a tool that never yields (or one page that takes seconds) reaches it.
 */
export const THREAD_STOP_GRACE_MS = 5_000;

/** How `ToolThreads` runs heavy tools. */
export interface ToolThreadsOptions {
  /** Heavy tool runs at once, across all tools; further runs wait their turn (heartbeating). Default `DEFAULT_TOOL_THREADS`. */
  maxThreads?: number;
  /** Default `DEFAULT_THREAD_IDLE_MS`. */
  idleTimeoutMs?: number;
  /** Default `THREAD_STOP_GRACE_MS`. */
  stopGraceMs?: number;
}

/** A tool that runs in a thread. */
export type ThreadedTool = ToolDefinition & { thread: ToolThreadSettings };

const ENTRY = fileURLToPath(new URL('./thread-entry.mjs', import.meta.url));

/** A run in progress, as `close()` sees it. */
interface ActiveRun {
  stop(reason: Error): void;
  ended: Promise<unknown>;
}

/**
 * Runs heavy tools (those with `thread` settings) in worker threads: one piscina pool per
 * tool, each thread capped at the tool's memory limit, at most `maxThreads` runs at once
 * across all tools. The activity awaits the run, so the worker's event loop stays free. A
 * thread killed by its memory cap is a non-retryable RESOURCE_LIMIT_EXCEEDED. Idle threads
 * do not keep the process alive.
 *
 * Stopping a run (the attempt cancelled, the tool's time limit passed, `close()`) is
 * cooperative first: the thread gets a `stop` message, the signal its tool sees aborts, the
 * tool gives up at its next check and the thread, whole, goes back to the pool. The attempt
 * ends at once with its cancellation or time-limit error; the run's place (`maxThreads`)
 * stays taken until the thread has really let go, so the threads stay bounded. Only a run
 * that has not stopped after `stopGraceMs` (a tool that never yields) has its thread
 * terminated. Terminating was once the only way, and it could abort the whole process: a
 * worker thread terminated while it held a zlib handle hits Node's `close before init`
 * assertion in its cleanup (pdf.js inflated every page through DecompressionStream). Tool
 * threads therefore have no web compression streams (thread-entry.mjs), and tool code may not
 * import zlib, so even a terminate never lands inside native zlib work.
 */
export class ToolThreads {
  private readonly pools = new Map<string, Piscina<ThreadTask, ThreadResult>>();
  private readonly limit: ConcurrencyLimit;
  private readonly idleTimeoutMs: number;
  private readonly stopGraceMs: number;
  private readonly active = new Set<ActiveRun>();

  constructor(options: ToolThreadsOptions = {}) {
    this.limit = new ConcurrencyLimit(options.maxThreads ?? DEFAULT_TOOL_THREADS);
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_THREAD_IDLE_MS;
    this.stopGraceMs = options.stopGraceMs ?? THREAD_STOP_GRACE_MS;
  }

  /** Heavy tool runs at once at most. */
  get maxThreads(): number {
    return this.limit.max;
  }

  /** Threads busy with a run now, counting runs that were asked to stop and have not yet let go. */
  get busy(): number {
    return this.limit.active;
  }

  /** Runs `tool.run(params, ctx)` in the tool's thread and resolves with its outputs. */
  async run(tool: ThreadedTool, params: unknown, ctx: ToolContext): Promise<unknown> {
    const release = await this.limit.acquire(ctx.signal, () =>
      ctx.progress(`Waiting for a free tool thread (${this.limit.max} busy)`),
    );
    const timeLimit = tool.thread.timeLimit?.(params);
    // Aborted only when a stop request went unanswered: piscina then terminates the thread.
    const terminate = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let grace: NodeJS.Timeout | undefined;
    let stopping = false;
    let rejectStopped: (reason: Error) => void = () => undefined;
    // Rejects, with why, as soon as the run is asked to stop: the attempt does not wait for the thread.
    const stopped = new Promise<never>((_, reject) => (rejectStopped = reject));
    const { port1, port2 } = new MessageChannel();
    const stopCell = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const stop = (reason: Error): void => {
      if (stopping) return;
      stopping = true;
      clearTimeout(timer);
      // The cell for a tool busy on promises alone, the message for one waiting on its event loop.
      Atomics.store(stopCell, 0, STOP_REQUESTED);
      const request: StopRequest = { kind: 'stop' };
      port1.postMessage(request);
      grace = setTimeout(() => terminate.abort(reason), this.stopGraceMs);
      rejectStopped(reason);
    };
    const onCancel = (): void => stop(ctx.signal.reason as Error);
    ctx.signal.addEventListener('abort', onCancel, { once: true });
    port1.on('message', (message: ThreadMessage) => {
      // The time limit counts from the tool's start in its thread: a new thread first loads the tool's modules.
      if (message.kind === 'started') {
        if (timeLimit !== undefined && !stopping) timer = setTimeout(() => stop(timeLimit.error()), timeLimit.ms);
      } else handle(message, port1, ctx);
    });
    const task: ThreadTask = {
      module: tool.thread.module,
      tool_id: tool.tool_id,
      params,
      step: ctx.step,
      attempt: ctx.attempt,
      port: port2,
      stop: stopCell,
    };
    const ended = this.pool(tool).run(task, { signal: terminate.signal, transferList: [port2] });
    // The place is given back when the thread has let go of the run (finished, stopped or
    // terminated), not when the attempt ends: a stopped run may take up to the grace period.
    const run: ActiveRun = {
      stop,
      ended: ended
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          clearTimeout(grace);
          ctx.signal.removeEventListener('abort', onCancel);
          port1.close();
          this.active.delete(run);
          release();
        }),
    };
    this.active.add(run);
    if (ctx.signal.aborted) onCancel();
    try {
      const result = await Promise.race([ended, stopped]);
      if ('stopped' in result) throw new Error(`${tool.tool_id} stopped before it finished`);
      if (!result.ok) {
        const { error } = result;
        throw error.tool
          ? new ToolError(error.code, error.message, { retryable: error.retryable })
          : Object.assign(new Error(error.message), { name: error.name });
      }
      return result.outputs;
    } catch (err) {
      if (isOutOfMemory(err)) {
        throw new ToolError(
          'RESOURCE_LIMIT_EXCEEDED',
          `${tool.tool_id} needed more than ${tool.thread.memoryLimitMiB} MiB of memory, its limit, and was stopped; trying again would need the same`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  /**
   * Asks every run in progress to stop (they fail), waits until their threads have let go
   * (terminating those that do not within the grace period), then ends every thread.
   */
  async close(): Promise<void> {
    const runs = [...this.active];
    for (const run of runs) run.stop(new Error('The tool threads are closing'));
    await Promise.all(runs.map((run) => run.ended));
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }

  private pool(tool: ThreadedTool): Piscina<ThreadTask, ThreadResult> {
    let pool = this.pools.get(tool.tool_id);
    if (pool === undefined) {
      pool = new Piscina<ThreadTask, ThreadResult>({
        filename: ENTRY,
        // Threads start on demand and end when idle: a worker that never runs this tool pays nothing for it.
        minThreads: 0,
        maxThreads: this.limit.max,
        idleTimeout: this.idleTimeoutMs,
        resourceLimits: {
          maxOldGenerationSizeMb: tool.thread.memoryLimitMiB,
          ...(tool.thread.youngGenerationMiB === undefined
            ? {}
            : { maxYoungGenerationSizeMb: tool.thread.youngGenerationMiB }),
        },
        // Tasks arrive by message: an idle thread waits in its event loop, not blocked in Atomics.wait,
        // so what a run left pending (a document's teardown) still completes.
        atomics: 'disabled',
      });
      // A thread that fails between runs has no run to fail; piscina would otherwise emit an unhandled 'error'.
      pool.on('error', () => undefined);
      this.pools.set(tool.tool_id, pool);
    }
    return pool;
  }
}

function isOutOfMemory(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/** Answers one message of the thread: progress and log lines go to the attempt's context, file reads to its file reader. */
function handle(message: Exclude<ThreadMessage, { kind: 'started' }>, port: MessagePort, ctx: ToolContext): void {
  switch (message.kind) {
    case 'progress':
      ctx.progress(message.message, message.fraction);
      return;
    case 'log':
      ctx.log[message.level](message.message, message.fields);
      return;
    case 'read-file':
      void readFile(ctx.files, message.file_id).then((answer) => {
        const reply: FileReply = { request: message.request, ...answer };
        const bytes = 'file' in answer ? answer.file?.bytes.buffer : undefined;
        try {
          port.postMessage(reply, bytes instanceof ArrayBuffer ? [bytes] : []);
        } catch {
          // The run ended (its port is closed) before the file was read: nobody waits for it.
        }
      });
      return;
  }
}

async function readFile(
  files: FileReader,
  fileId: string,
): Promise<{ file: StoredFile | undefined } | { error: string }> {
  try {
    const file = await files.read(fileId);
    // A copy the thread can own: the reader may keep (cache) the buffer it returned; the
    // copy is then moved to the thread, not copied once more.
    return { file: file === undefined ? undefined : { ...file, bytes: new Uint8Array(file.bytes) } };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

let shared: ToolThreads | undefined;

/** One `ToolThreads` with the defaults, for activity layers given none (tests, scripts); its idle threads never hold the process. */
export function sharedToolThreads(): ToolThreads {
  return (shared ??= new ToolThreads());
}
