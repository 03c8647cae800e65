import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childProcessEnv } from './env';
import { pollUntil } from './poll';
import { freePort } from './free-port';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where a dev stack of a test's own listens and keeps its data, and the environment that says so. */
export interface DevStackConfig {
  /** The API's base URL, `http://127.0.0.1:<port>`. */
  api: string;
  /** The Temporal Web UI's base URL. */
  ui: string;
  /** The Temporal dev server's gRPC address, `127.0.0.1:<port>`. */
  temporalAddress: string;
  dataDir: string;
  /** What `infra/dev.sh` is started with, over the test's own environment. */
  env: Record<string, string>;
}

/**
 * Free ports and `dataDir` for a dev stack, with SQLite under `dataDir` and a key of the
 * stack's own making (the test's environment, which the stack inherits, may say otherwise);
 * `env` adds to or overrides that. One config can start the same stack again.
 */
export async function devStackConfig(dataDir: string, env: Record<string, string> = {}): Promise<DevStackConfig> {
  const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  return {
    api: `http://127.0.0.1:${port}`,
    ui: `http://127.0.0.1:${uiPort}`,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    dataDir,
    env: {
      PORT: String(port),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      TEMPORAL_NAMESPACE: 'default',
      ORDO_DATA_DIR: dataDir,
      ORDO_TASK_QUEUE: 'ordo-jobs',
      DATABASE_URL: '',
      ORDO_API_KEYS: '',
      ORDO_AUTH: '',
      // dev.sh makes its own signing key under the data folder, and its own public URL.
      ORDO_URL_SIGNING_KEY: '',
      ORDO_PUBLIC_URL: '',
      ...env,
    },
  };
}

/** The processes the dev stack supervises, as its log lines name them. */
export type DevStackProcess = 'temporal' | 'worker' | 'api';

/** A running `infra/dev.sh`. */
export interface DevStack {
  child: ChildProcess;
  /** Everything the stack printed so far, stdout and stderr interleaved. */
  output: () => string;
  /**
   * The pids the stack reported for a process (`dev: worker running (pid N)`), one per
   * start, oldest first.
   */
  pids: (name: DevStackProcess) => number[];
  /** Waits until the output matches `pattern` and returns the match. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpExecArray>;
  /** Sends SIGTERM to the stack's script and resolves with its exit code once it has exited. */
  terminate: () => Promise<number | null>;
  /**
   * Ctrl-C as a terminal sends it: SIGINT to every process of the stack at once. Resolves
   * with the script's exit code once it has exited.
   */
  interrupt: () => Promise<number | null>;
  /** The processes still in the stack's process group: none once it has stopped cleanly. */
  processesLeft: () => { pid: number; command: string }[];
  /** {@link terminate}, then SIGKILL to whatever of its process group is left: for cleanup. */
  stop: () => Promise<number | null>;
}

/**
 * Starts `infra/dev.sh`, the stack `./ordo dev` runs, with `config`'s ports and data folder,
 * from the repository. It runs in a process group of its own, so the test can tell whether
 * any of its processes outlive it, and clean them up.
 */
export function startDevStack(config: DevStackConfig): DevStack {
  const child = spawn('bash', [join(repoRoot, 'infra', 'dev.sh')], {
    cwd: repoRoot,
    env: childProcessEnv(config.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const group = child.pid;
  const running = () => child.exitCode === null && child.signalCode === null;
  const terminate = async () => {
    if (running()) child.kill('SIGTERM');
    return exited;
  };
  return {
    child,
    output: () => output,
    pids: (name) =>
      [...output.matchAll(new RegExp(`^dev: ${name} running \\(pid (\\d+)\\)$`, 'gm'))].map((m) => Number(m[1])),
    waitForOutput: async (pattern, timeoutMs = 60_000) => {
      const found = await pollUntil(
        () => Promise.resolve(pattern.exec(output)),
        (match) => match !== null,
        { timeoutMs, intervalMs: 100 },
      ).catch((error: unknown) => {
        throw new Error(
          `the dev stack did not print ${String(pattern)}: ${String(error)}\n--- its output ---\n${output.slice(-8000)}`,
        );
      });
      return found as RegExpExecArray;
    },
    terminate,
    interrupt: async () => {
      if (running() && group !== undefined) process.kill(-group, 'SIGINT');
      return exited;
    },
    processesLeft: () => (group === undefined ? [] : processGroupMembers(group)),
    stop: async () => {
      const code = await terminate();
      try {
        if (group !== undefined) process.kill(-group, 'SIGKILL');
      } catch {
        // the group is already gone
      }
      return code;
    },
  };
}

/** The live (not yet reaped) processes of a process group, read from /proc. */
function processGroupMembers(group: number): { pid: number; command: string }[] {
  const members: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command, which is in parentheses and may hold spaces: state, ppid, pgrp.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) !== group || state === 'Z') continue;
      members.push({
        pid: Number(entry),
        command: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim(),
      });
    } catch {
      // exited while being read
    }
  }
  return members;
}
