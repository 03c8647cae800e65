/**
 * The bench's external tool worker: a process of its own that serves `noop_external` (the
 * built-in `noop`'s definition) through `@ordo/tool-kit`'s `runToolWorker`, which registers it
 * in Ordo's catalog (`builtin: false`) and polls its task queue, as another team's worker would.
 *
 *   tsx tool-worker-main.ts <temporal address> <namespace> <ordo api url>
 */
import { runToolWorker } from '@ordo/tool-kit';
import { TEST_API_KEY } from '@ordo/testing';
import { EXTERNAL_TASK_QUEUE, externalNoop } from './shared-tool';

const [address, namespace, url] = process.argv.slice(2);
if (address === undefined || namespace === undefined || url === undefined) {
  console.error('usage: tool-worker-main.ts <temporal address> <namespace> <ordo api url>');
  process.exit(2);
}
const handle = await runToolWorker({
  tools: [externalNoop()],
  taskQueue: EXTERNAL_TASK_QUEUE,
  // The bench's API accepts the test key, a single key, hence admin.
  ordo: { url, key: TEST_API_KEY },
  connection: { address },
  namespace,
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void handle.shutdown());
// The parent waits for this line: the tool is registered and the worker polls.
console.log(`external tool worker ready on ${EXTERNAL_TASK_QUEUE}`);
await handle.done;
