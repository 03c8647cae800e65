import type { MessagePort } from 'node:worker_threads';
import type { StoredFile } from '../file-reader';
import type { ToolContext, ToolDefinition, ToolLogger } from '../tool-definition';
import { ToolError } from '../tool-error';
import { STOP_REQUESTED } from './thread-messages';
import type { ActivityMessage, ThreadError, ThreadMessage, ThreadResult, ThreadTask } from './thread-messages';

/*
 * The thread side of a heavy tool's run: loaded in a worker thread by thread-entry.mjs.
 * It imports only the tool's own module and what the tool imports, never the activity
 * layer: Temporal's activity context does not exist here, and nothing here needs it.
 */

/**
 * Runs the task's tool with a context whose files, progress and log lines go through the
 * task's port. A stop request aborts the signal the tool sees: the `stop` message when the
 * thread's event loop turns, the shared `task.stop` cell whenever the tool reports progress
 * or reads a file (pdf_extractor reports each page). A tool that checks its signal
 * (pdf_extractor: before each page) gives up there, and the run ends `stopped`, the thread
 * free and whole for the next run (ToolThreads explains why stopping comes before
 * terminating).
 */
export async function runInThread(task: ThreadTask): Promise<ThreadResult> {
  const { port } = task;
  const stop = new AbortController();
  const checkStop = (): void => {
    if (!stop.signal.aborted && Atomics.load(task.stop, 0) === STOP_REQUESTED)
      stop.abort(new Error('The run was asked to stop'));
  };
  const onStop = (message: ActivityMessage): void => {
    if ('kind' in message && message.kind === 'stop') checkStop();
  };
  port.on('message', onStop);
  const files = new PortFileReader(port);
  try {
    const tool = await findTool(task.module, task.tool_id);
    checkStop();
    if (stop.signal.aborted) return { ok: false, stopped: true };
    const context: ToolContext = {
      progress: (message, fraction) => {
        checkStop();
        send(port, fraction === undefined ? { kind: 'progress', message } : { kind: 'progress', message, fraction });
      },
      signal: stop.signal,
      files: {
        read: (fileId) => {
          checkStop();
          return files.read(fileId);
        },
      },
      step: task.step,
      attempt: task.attempt,
      log: portLogger(port),
    };
    send(port, { kind: 'started' });
    return { ok: true, outputs: await tool.run(task.params as never, context) };
  } catch (err) {
    // Whatever the tool threw on its way out (the signal's reason, an error of a half-read
    // document), the run ended because it was asked to.
    if (stop.signal.aborted) return { ok: false, stopped: true };
    return { ok: false, error: threadError(err) };
  } finally {
    port.off('message', onStop);
    files.close();
    port.close();
  }
}

const tools = new Map<string, Promise<ToolDefinition>>();

/** The tool exported by `module` under `toolId`; each module is imported once per thread. */
function findTool(module: string, toolId: string): Promise<ToolDefinition> {
  const key = `${module}#${toolId}`;
  let found = tools.get(key);
  if (found === undefined) {
    found = import(module).then((exports: Record<string, unknown>) => {
      const tool = Object.values(exports).find(
        (value): value is ToolDefinition => isTool(value) && value.tool_id === toolId,
      );
      if (tool === undefined) throw new Error(`${module} exports no tool '${toolId}'`);
      return tool;
    });
    tools.set(key, found);
  }
  return found;
}

function isTool(value: unknown): value is ToolDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    'tool_id' in value &&
    'run' in value &&
    typeof value.run === 'function'
  );
}

function threadError(err: unknown): ThreadError {
  if (err instanceof ToolError) return { tool: true, code: err.code, message: err.message, retryable: err.retryable };
  if (err instanceof Error) return { tool: false, name: err.name, message: err.message };
  return { tool: false, name: 'Error', message: String(err) };
}

function send(port: MessagePort, message: ThreadMessage): void {
  port.postMessage(message);
}

function portLogger(port: MessagePort): ToolLogger {
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>): void => {
      try {
        send(port, fields === undefined ? { kind: 'log', level, message } : { kind: 'log', level, message, fields });
      } catch {
        // A field that cannot be cloned (a function, a class instance with private state): the line without its fields.
        send(port, { kind: 'log', level, message });
      }
    };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** Files by request to the activity, which reads them from the store and moves their bytes here. */
class PortFileReader {
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (file: StoredFile | undefined) => void; reject: (err: Error) => void }
  >();
  private readonly onReply = (reply: ActivityMessage): void => {
    if (!('request' in reply)) return;
    const waiting = this.pending.get(reply.request);
    if (waiting === undefined) return;
    this.pending.delete(reply.request);
    if ('error' in reply) waiting.reject(new Error(reply.error));
    else waiting.resolve(reply.file);
  };

  constructor(private readonly port: MessagePort) {
    port.on('message', this.onReply);
  }

  read(fileId: string): Promise<StoredFile | undefined> {
    const request = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(request, { resolve, reject });
      send(this.port, { kind: 'read-file', request, file_id: fileId });
    });
  }

  /** Stops listening. A read still pending belongs to a run that has ended: nothing awaits it, so it is dropped, not rejected (a rejection nobody handles would end the thread). */
  close(): void {
    this.port.off('message', this.onReply);
    this.pending.clear();
  }
}
