import { freePort } from './free-port';
import { ordoProcessEnv, startOrdoProcess, waitForReady, type OrdoProcess } from './processes';
import { testStoreConfig } from './dialects';

/** An API and a worker process, as `./ordo dev` runs them, on SQLite in a fresh data folder. */
export interface ProcessStack {
  /** The API's base URL (`http://127.0.0.1:<port>`); it accepts `TEST_API_KEY`. */
  base: string;
  processes: OrdoProcess[];
  stop(): Promise<void>;
}

/**
 * Starts an API and a worker process with the test tools (`sleep`, `fail`, …) and resolves
 * once `/ready` says both serve: for tests of clients that reach Ordo only over HTTP (the
 * CLI, `@ordo/client`).
 */
export async function startProcessStack(label: string): Promise<ProcessStack> {
  const store = await testStoreConfig('sqlite', label);
  const port = await freePort();
  const env = ordoProcessEnv({ label, port, dataDir: store.config.dataDir, extra: { ORDO_TEST_TOOLS: '1' } });
  const processes = [startOrdoProcess('worker', env), startOrdoProcess('api', env)];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await store.remove();
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForReady(base, ['database', 'temporal', 'worker'], 120_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${processes.map((p) => p.output()).join('\n')}`);
  }
  return { base, processes, stop };
}
