import { execFile, execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  childProcessEnv,
  freePort,
  ordoProcessEnv,
  startOrdoProcess,
  TEST_API_KEY,
  testStoreConfig,
  waitForReady,
  type OrdoProcess,
} from '@ordo/testing';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The CLI as its package's bin runs it. */
export const ORDO_BIN = join(cliDir, 'bin', 'ordo.js');
const repoRoot = join(cliDir, '..', '..');

/** An API and a worker process (the test tools), as `./ordo dev` runs them, for the CLI to talk to. */
export interface CliStack {
  base: string;
  /** The environment a CLI child process gets: the API's URL and the test key. */
  cliEnv: Record<string, string>;
  stop(): Promise<void>;
}

export async function startCliStack(label: string): Promise<CliStack> {
  const store = await testStoreConfig('sqlite', label);
  const port = await freePort();
  const env = ordoProcessEnv({ label, port, dataDir: store.config.dataDir, extra: { ORDO_TEST_TOOLS: '1' } });
  const processes: OrdoProcess[] = [startOrdoProcess('worker', env), startOrdoProcess('api', env)];
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForReady(base, ['database', 'temporal', 'worker'], 120_000);
  } catch (err) {
    for (const p of processes) console.error(p.output());
    throw err;
  }
  return {
    base,
    cliEnv: { ORDO_API_URL: base, ORDO_API_KEY: TEST_API_KEY },
    async stop() {
      await Promise.all(processes.map((p) => p.stop()));
      await store.remove();
    },
  };
}

/** What a CLI run printed and how it exited. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a child process (no terminal: stdout is a pipe) in `cwd`. */
export function runCli(stack: CliStack, args: string[], cwd = repoRoot): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [ORDO_BIN, ...args],
      { cwd, env: childProcessEnv(stack.cliEnv), timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

/** tmux (installed by infra/install-tmux.sh when missing). */
export function tmuxPath(): string {
  return execFileSync('bash', [join(repoRoot, 'infra', 'install-tmux.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}
