/**
 * The hand-written baseline's worker process: `tsx worker-main.ts <temporal address>
 * <namespace> <task queue>`. Its own process, as Ordo's worker is, with the SDK's default
 * worker options, which Ordo's worker also keeps; it bundles its workflows at start-up as
 * Ordo's worker does.
 */
import { createRequire } from 'node:module';
import { NativeConnection, Worker } from '@temporalio/worker';
import { echoActivities } from './echo-activity';

const [address, namespace, taskQueue] = process.argv.slice(2);
if (!address || !namespace || !taskQueue) {
  console.error('usage: worker-main.ts <temporal address> <namespace> <task queue>');
  process.exit(2);
}
const connection = await NativeConnection.connect({ address });
try {
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: createRequire(import.meta.url).resolve('./workflows.ts'),
    activities: echoActivities,
  });
  console.log(`bench baseline worker polling task queue '${taskQueue}' on ${address}`);
  await worker.run();
} finally {
  await connection.close();
}
