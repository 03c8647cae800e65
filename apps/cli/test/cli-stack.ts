import { execFile, execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childProcessEnv, startCheckedProxy, startProcessStack, TEST_API_KEY } from '@ordo/testing';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The CLI as its package's bin runs it. */
export const ORDO_BIN = join(cliDir, 'bin', 'ordo.js');
const repoRoot = join(cliDir, '..', '..');

/** A process stack for the CLI to talk to, behind a proxy that checks its answers. */
export interface CliStack {
  /** The API's own URL, for the test's requests. */
  base: string;
  /** The URL the CLI is given: the checking proxy in front of the API. */
  apiUrl: string;
  /** The environment a CLI child process gets: the proxy's URL and the test key. */
  cliEnv: Record<string, string>;
  /**
   * The answers the CLI got since the last call that the OpenAPI document does not declare
   * (status, media type or body), each naming the route: a test expects none.
   */
  takeMismatches(): string[];
  stop(): Promise<void>;
}

/**
 * An API and a worker process (`startProcessStack`) with a checking proxy in front
 * (`startCheckedProxy`): the CLI is a child process, so its answers are checked on the way.
 */
export async function startCliStack(label: string): Promise<CliStack> {
  const stack = await startProcessStack(label);
  const proxy = await startCheckedProxy(stack.base).catch(async (error: unknown) => {
    await stack.stop();
    throw error;
  });
  return {
    base: stack.base,
    apiUrl: proxy.url,
    cliEnv: { ORDO_API_URL: proxy.url, ORDO_API_KEY: TEST_API_KEY },
    takeMismatches: () => proxy.takeMismatches(),
    stop: async () => {
      await proxy.close();
      await stack.stop();
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
export function runCli(
  stack: CliStack,
  args: string[],
  cwd = repoRoot,
  onStdout?: (chunk: string) => void,
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [ORDO_BIN, ...args],
      { cwd, env: childProcessEnv(stack.cliEnv), timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
    if (onStdout) child.stdout?.on('data', (chunk: Buffer | string) => onStdout(chunk.toString()));
  });
}

/** tmux (installed by infra/install-tmux.sh when missing). */
export function tmuxPath(): string {
  return execFileSync('bash', [join(repoRoot, 'infra', 'install-tmux.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}
