// The entry of a heavy tool's worker thread (see tool-threads.ts). Plain JavaScript, so
// Node can load it before any TypeScript loader is in place: it registers tsx's ESM hooks
// in this thread, then imports the TypeScript that runs the tool. This works the same
// whether the process runs under tsx (`node --import tsx`, inherited by worker threads:
// registering again is harmless) or under a test runner with a loader of its own (vitest,
// whose hooks do not reach worker threads). No top-level await: piscina may load this
// module with require().
import { register } from 'tsx/esm/api';

register();

// No native zlib in a tool's thread. Terminating a worker thread that holds a zlib handle
// aborts the whole process in Node 20 (`node_zlib.cc: Assertion failed: init_done_ && "close
// before init"`, a handle made but not yet initialised when the thread's cleanup closes it),
// and pdf.js decompresses every page's content stream through DecompressionStream, which is
// zlib. Without the web compression streams pdf.js falls back to its own JavaScript inflate
// (its try/catch around `new DecompressionStream`), as fast on this work (measured: 1,000
// generated pages and the corpus, within noise), so a thread that has to be terminated
// (ToolThreads: only after a stop request went unanswered) is never inside zlib. Tool code
// must not import node:zlib either (.dependency-cruiser.cjs, `no-zlib-in-tools`).
delete globalThis.DecompressionStream;
delete globalThis.CompressionStream;

let runInThread;

/** Piscina calls the default export with each task. */
export default async function run(task) {
  runInThread ??= import('./run-in-thread.ts').then((module) => module.runInThread);
  return (await runInThread)(task);
}
