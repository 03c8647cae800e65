import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ORDO_SEARCH_ATTRIBUTES } from '@ordo/core';
import { temporalCliPath } from './temporal-cli';

/** How a dev server of its own differs from the run's. */
export interface DevServerOptions {
  /**
   * Temporal suggests continue-as-new once a run's history holds this many events
   * (`limit.historyCount.suggestContinueAsNew`, 4 Ki by default): low, a test sees a
   * job of a few hundred steps continue as new several times.
   */
  suggestContinueAsNewAfterEvents?: number;
  /**
   * Keeps the server's state in this SQLite file (in memory by default): a server started
   * again on the same file and `port` goes on where the one torn down stopped (an outage).
   */
  dbFilename?: string;
  /** The gRPC port (a free one by default). */
  port?: number;
}

/**
 * A Temporal dev server of a test's own (the official CLI, as the global setup starts it),
 * with Ordo's search attributes registered and the dynamic config `options` asks for. Its
 * `address` goes to `connectClient` and `connectWorker`; tear it down with `env.teardown()`.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  const extraArgs: string[] = [];
  if (options.suggestContinueAsNewAfterEvents !== undefined) {
    extraArgs.push(
      '--dynamic-config-value',
      `limit.historyCount.suggestContinueAsNew=${options.suggestContinueAsNewAfterEvents}`,
    );
  }
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: await temporalCliPath() },
      searchAttributes: [...ORDO_SEARCH_ATTRIBUTES],
      log: { format: 'pretty', level: 'error' },
      extraArgs,
      ...(options.dbFilename !== undefined && { dbFilename: options.dbFilename }),
      ...(options.port !== undefined && { port: options.port }),
    },
  });
}
