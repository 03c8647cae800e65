import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { ORDO_SEARCH_ATTRIBUTES } from '@ordo/core';
import type { TestProject } from 'vitest/node';
import { TEST_SERVER_DYNAMIC_CONFIG } from './dev-server';

const quietLogger = new DefaultLogger('WARN');
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Starts one real Temporal dev server (the official CLI, installed by
 * infra/install-temporal.sh from the package registries) for the whole test run,
 * on a free port, with Ordo's search attributes registered and the tests' dynamic config.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cli = execFileSync('bash', [join(repoRoot, 'infra', 'install-temporal.sh'), 'cli'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      searchAttributes: [...ORDO_SEARCH_ATTRIBUTES],
      log: { format: 'pretty', level: 'error' },
      extraArgs: [...TEST_SERVER_DYNAMIC_CONFIG],
    },
  });
  // One workflow bundle per run: bundling takes seconds, and every test worker runs the same code.
  const bundlePath = join(tmpdir(), `ordo-workflow-bundle-${process.pid}.js`);
  const { code } = await bundleWorkflowCode({
    workflowsPath: createRequire(import.meta.url).resolve('@ordo/core/workflows'),
    logger: quietLogger,
  });
  writeFileSync(bundlePath, code);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('temporalAddress', env.address);
  project.provide('temporalNamespace', env.namespace ?? 'default');
  return async () => {
    await env.teardown();
    rmSync(bundlePath, { force: true });
  };
}
