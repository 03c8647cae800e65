// The entry of a heavy tool's worker thread (see tool-threads.ts). Plain JavaScript, so
// Node can load it before any TypeScript loader is in place: it registers tsx's ESM hooks
// in this thread, then imports the TypeScript that runs the tool. This works the same
// whether the process runs under tsx (`node --import tsx`, inherited by worker threads:
// registering again is harmless) or under a test runner with a loader of its own (vitest,
// whose hooks do not reach worker threads). No top-level await: piscina may load this
// module with require().
import { register } from 'tsx/esm/api';

register();

let runInThread;

/** Piscina calls the default export with each task. */
export default async function run(task) {
  runInThread ??= import('./run-in-thread.ts').then((module) => module.runInThread);
  return (await runInThread)(task);
}
