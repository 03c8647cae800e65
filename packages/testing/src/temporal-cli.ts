import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { temporalAddress, temporalNamespace } from './temporal';

const run = promisify(execFile);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The absolute path of the Temporal CLI, from `infra/install-temporal.sh cli` (which installs it when missing). */
export async function temporalCliPath(): Promise<string> {
  const { stdout } = await run('bash', [join(repoRoot, 'infra', 'install-temporal.sh'), 'cli']);
  return stdout.trim();
}

/**
 * Runs the real Temporal CLI against the run's dev server, as a person at a terminal
 * would (`temporal workflow signal …`, `temporal workflow cancel …`), and returns its output.
 */
export async function temporalCli(args: string[]): Promise<string> {
  const { stdout } = await run(await temporalCliPath(), [
    ...args,
    '--address',
    temporalAddress(),
    '--namespace',
    temporalNamespace(),
  ]);
  return stdout;
}
