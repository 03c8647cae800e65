import { execFile, execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childProcessEnv, startProcessStack, TEST_API_KEY } from '@ordo/testing';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The CLI as its package's bin runs it. */
export const ORDO_BIN = join(cliDir, 'bin', 'ordo.js');
const repoRoot = join(cliDir, '..', '..');

/** A process stack for the CLI to talk to. */
export interface CliStack {
  base: string;
  /** The environment a CLI child process gets: the API's URL and the test key. */
  cliEnv: Record<string, string>;
  stop(): Promise<void>;
}

export async function startCliStack(label: string): Promise<CliStack> {
  const stack = await startProcessStack(label);
  return {
    base: stack.base,
    cliEnv: { ORDO_API_URL: stack.base, ORDO_API_KEY: TEST_API_KEY },
    stop: () => stack.stop(),
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
