import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_API_KEY, TEST_URL_SIGNING_KEY, withApiKey } from './api-key';
import { childProcessEnv } from './env';
import { temporalAddress, temporalNamespace, uniqueTaskQueue } from './temporal';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The environment of an API and a worker process of a test, for {@link startOrdoProcess}: the
 * run's Temporal dev server, a task queue of their own, the API on `127.0.0.1:<port>`, their
 * database and files in `dataDir` (SQLite, unless `databaseUrl`), one signed-URL key with the
 * API's address as the workers' public URL (external tools' file URLs), and `extra`.
 */
export function ordoProcessEnv(options: {
  label: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    PORT: String(options.port),
    HOST: '127.0.0.1',
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_NAMESPACE: temporalNamespace(),
    ORDO_TASK_QUEUE: uniqueTaskQueue(options.label),
    ORDO_DATA_DIR: options.dataDir,
    // Empty means SQLite under ORDO_DATA_DIR (startOrdoProcess passes the test's own environment through).
    DATABASE_URL: options.databaseUrl ?? '',
    ORDO_URL_SIGNING_KEY: TEST_URL_SIGNING_KEY,
    ORDO_PUBLIC_URL: `http://127.0.0.1:${options.port}`,
    ...options.extra,
  };
}

/** One of Ordo's own processes, started as `./ordo dev` starts it. */
export interface OrdoProcess {
  child: ChildProcess;
  output: () => string;
  /** Sends SIGTERM and resolves with the exit code once the process has exited. */
  stop: () => Promise<number | null>;
  /** Sends SIGKILL (a crash: no shutdown handler runs) and resolves once the process has exited. */
  kill: () => Promise<void>;
}

/**
 * Starts `apps/<app>/src/main.ts` with the given environment. Node runs it with tsx as its
 * loader (not through tsx's launcher, which would run it in a child process of its own), so
 * `child` is the app's process itself and a SIGKILL reaches it. The API accepts
 * {@link TEST_API_KEY} unless `env` says otherwise.
 */
export function startOrdoProcess(app: 'api' | 'worker', env: Record<string, string>): OrdoProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'apps', app, 'src', 'main.ts')], {
    cwd: repoRoot,
    env: childProcessEnv({ ...(app === 'api' && { ORDO_API_KEYS: TEST_API_KEY, ORDO_AUTH: 'on' }), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    output: () => output,
    stop: async () => {
      if (running()) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls `url` (sending the API key, the test one by default) until it answers 200 or the deadline passes. */
export async function waitForOk(url: string, timeoutMs = 60_000, apiKey: string = TEST_API_KEY): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url, withApiKey({}, apiKey))).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The checks `/ready` reports (see the API's `Ready` schema). */
export type ReadyCheck = 'database' | 'temporal' | 'worker';

/**
 * Polls the API's `/ready` at `base` until the checks a test needs pass, or the deadline. A
 * test that runs the API without a worker (yet) waits for `['database', 'temporal']`: `/ready`
 * itself answers 503 until a worker polls, naming each check's state in `checks`.
 */
export async function waitForReady(
  base: string,
  need: readonly ReadyCheck[] = ['database', 'temporal', 'worker'],
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    try {
      const res = await fetch(`${base}/ready`);
      const body = (await res.json()) as { checks?: Partial<Record<ReadyCheck, string>> };
      last = `${res.status} ${JSON.stringify(body.checks ?? body)}`;
      if (res.ok || need.every((check) => body.checks?.[check] === 'ok')) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${base}/ready did not show ${need.join(', ')} ok within ${timeoutMs} ms (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
