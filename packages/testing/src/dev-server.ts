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
 * The dynamic config every test server runs with. Temporal fires no timer earlier than
 * `history.timerProcessorMaxTimeShift` (1 s by default) after it was read, so a 1 ms timer
 * fires about a second late: a job pacing a long expression with a timer every 1,000 steps
 * took 100 s for its 100 pauses, and every retry backoff and short wait was rounded up the
 * same way. 10 ms keeps the timers the tests mean; nothing here asserts a timer's lateness.
 */
export const TEST_SERVER_DYNAMIC_CONFIG: readonly string[] = [
  '--dynamic-config-value',
  'history.timerProcessorMaxTimeShift="10ms"',
];

/**
 * A Temporal dev server of a test's own (the official CLI, as the global setup starts it),
 * with Ordo's search attributes registered and the dynamic config `options` asks for. Its
 * `address` goes to `connectClient` and `connectWorker`; tear it down with `env.teardown()`.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  const extraArgs: string[] = [...TEST_SERVER_DYNAMIC_CONFIG];
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
