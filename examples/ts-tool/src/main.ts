import { describeTool, registerTool, runToolWorker } from '@ordo/tool-kit';
import { readEnv } from './env.js';
import { fileChecksum } from './file-checksum.js';

/*
 * `file-checksum register`: registers the tool's contract with Ordo's catalog.
 * `file-checksum worker`: registers it (again: idempotent) and serves it until SIGINT/SIGTERM.
 */
const env = readEnv();
const command = process.argv[2];
if (env.ordoAdminKey === undefined) {
  console.error('set ORDO_ADMIN_KEY to an admin-scoped Ordo API key');
  process.exit(2);
}
const ordo = { url: env.ordoUrl, key: env.ordoAdminKey };

if (command === 'register') {
  const result = await registerTool(ordo, describeTool(fileChecksum), {
    taskQueue: env.taskQueue,
    activityType: fileChecksum.tool_id,
  });
  console.log(
    result.created
      ? `${result.tool_id} ${result.version} registered on task queue ${env.taskQueue}`
      : `${result.tool_id} ${result.version} already registered (same contract)`,
  );
} else if (command === 'worker') {
  const handle = await runToolWorker({
    tools: [fileChecksum],
    taskQueue: env.taskQueue,
    ordo,
    connection: { address: env.temporalAddress },
    namespace: env.temporalNamespace,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void handle.shutdown());
  console.log(`file_checksum worker polling task queue ${env.taskQueue}`);
  await handle.done;
} else {
  console.error('usage: file-checksum register | worker');
  process.exit(2);
}
