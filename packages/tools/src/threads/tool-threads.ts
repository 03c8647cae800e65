import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { FileReader, StoredFile } from '../file-reader';
import type { ToolContext, ToolDefinition, ToolThreadSettings } from '../tool-definition';
import { ToolError } from '../tool-error';
import { ConcurrencyLimit } from './concurrency-limit';
import type { FileReply, ThreadMessage, ThreadResult, ThreadTask } from './thread-messages';

/** Heavy tool runs at once, by default: one per core, so they never starve each other or the event loop of CPU. */
export const DEFAULT_TOOL_THREADS = availableParallelism();

/** How long a tool's idle thread is kept for its next run: loading a tool's modules in a new thread takes about a second. */
export const DEFAULT_THREAD_IDLE_MS = 60_000;

/** How `ToolThreads` runs heavy tools. */
export interface ToolThreadsOptions {
  /** Heavy tool runs at once, across all tools; further runs wait their turn (heartbeating). Default `DEFAULT_TOOL_THREADS`. */
  maxThreads?: number;
  /** Default `DEFAULT_THREAD_IDLE_MS`. */
  idleTimeoutMs?: number;
}

/** A tool that runs in a thread. */
export type ThreadedTool = ToolDefinition & { thread: ToolThreadSettings };

const ENTRY = fileURLToPath(new URL('./thread-entry.mjs', import.meta.url));

/**
 * Runs heavy tools (those with `thread` settings) in worker threads: one piscina pool per
 * tool, each thread capped at the tool's memory limit, at most `maxThreads` runs at once
 * across all tools. The activity awaits the run, so the worker's event loop stays free.
 * Cancellation (the attempt's signal) and the tool's time limit terminate the thread at
 * once, even while the tool never yields; a thread killed by its memory cap is a
 * non-retryable RESOURCE_LIMIT_EXCEEDED. Idle threads do not keep the process alive.
 */
export class ToolThreads {
  private readonly pools = new Map<string, Piscina<ThreadTask, ThreadResult>>();
  private readonly limit: ConcurrencyLimit;
  private readonly idleTimeoutMs: number;

  constructor(options: ToolThreadsOptions = {}) {
    this.limit = new ConcurrencyLimit(options.maxThreads ?? DEFAULT_TOOL_THREADS);
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_THREAD_IDLE_MS;
  }

  /** Heavy tool runs at once at most. */
  get maxThreads(): number {
    return this.limit.max;
  }

  /** Runs `tool.run(params, ctx)` in the tool's thread and resolves with its outputs. */
  async run(tool: ThreadedTool, params: unknown, ctx: ToolContext): Promise<unknown> {
    const release = await this.limit.acquire(ctx.signal, () =>
      ctx.progress(`Waiting for a free tool thread (${this.limit.max} busy)`),
    );
    const timeLimit = tool.thread.timeLimit?.(params);
    const stop = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (message: ThreadMessage) => {
      // The time limit counts from the tool's start in its thread: a new thread first loads the tool's modules.
      if (message.kind === 'started')
        timer = timeLimit === undefined ? undefined : setTimeout(() => stop.abort(TIME_LIMIT), timeLimit.ms);
      else handle(message, port1, ctx);
    });
    try {
      const task: ThreadTask = {
        module: tool.thread.module,
        tool_id: tool.tool_id,
        params,
        step: ctx.step,
        attempt: ctx.attempt,
        port: port2,
      };
      const result = await this.pool(tool).run(task, {
        signal: AbortSignal.any([ctx.signal, stop.signal]),
        transferList: [port2],
      });
      if (!result.ok) {
        const { error } = result;
        throw error.tool
          ? new ToolError(error.code, error.message, { retryable: error.retryable })
          : Object.assign(new Error(error.message), { name: error.name });
      }
      return result.outputs;
    } catch (err) {
      // A cancelled attempt reports its cancellation, whatever stopping the thread threw.
      if (ctx.signal.aborted) throw err;
      if (stop.signal.aborted && timeLimit !== undefined) throw timeLimit.error();
      if (isOutOfMemory(err)) {
        throw new ToolError(
          'RESOURCE_LIMIT_EXCEEDED',
          `${tool.tool_id} needed more than ${tool.thread.memoryLimitMiB} MiB of memory, its limit, and was stopped; trying again would need the same`,
          { cause: err },
        );
      }
      throw err;
    } finally {
      clearTimeout(timer);
      port1.close();
      release();
    }
  }

  /** Stops every thread; runs still in progress fail. */
  async close(): Promise<void> {
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
        resourceLimits: { maxOldGenerationSizeMb: tool.thread.memoryLimitMiB },
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

const TIME_LIMIT = new Error('The time limit of the run passed');

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
