import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** What running openapi-python-client on a document gave. */
export interface GeneratedPythonClient {
  /** Its exit status and everything it printed (it warns, and carries on, for what it cannot parse). */
  status: number | null;
  log: string;
  /** The venv's Python, which has the generator's pinned dependencies (httpx, attrs): the client's too. */
  python: string;
}

/**
 * Generates the Python client of the OpenAPI document at `docPath` into `out`, with
 * openapi-python-client as `infra/install-openapi-python-client.sh` installs it (pinned, in a
 * venv of its own). `meta`: `none` makes `out` the package itself; `uv` a project around the
 * package `ordo_api_client`, with a `pyproject.toml` naming its dependencies. No formatter runs
 * after generation (ruff is not installed here).
 */
export function generatePythonClient(docPath: string, out: string, meta: 'none' | 'uv'): GeneratedPythonClient {
  const generator = execFileSync('bash', [join(repoRoot, 'infra', 'install-openapi-python-client.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const config = `${out}-config.yaml`;
  writeFileSync(config, 'post_hooks: []\n');
  const run = spawnSync(
    generator,
    ['generate', '--path', docPath, '--output-path', out, '--meta', meta, '--config', config],
    { encoding: 'utf8' },
  );
  return { status: run.status, log: run.stdout + run.stderr, python: join(dirname(generator), 'python') };
}
