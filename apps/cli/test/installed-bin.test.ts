import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { childProcessEnv, TEST_API_KEY } from '@ordo/testing';
import { startCliStack, type CliRun, type CliStack } from './cli-stack';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(cliDir, '..', '..');
const { version } = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')) as { version: string };

/**
 * The `ordo` bin as someone who wants only the CLI gets it: the package packed as npm would
 * publish it (`pnpm pack`, which builds the bundle first), installed from the tarball with
 * `npm install -g --prefix` offline (it has no dependency to fetch), and run from a folder
 * outside the repository with a `PATH` of Node alone, against a real API and worker behind
 * the checking proxy. A bundle that still imported a workspace package (or any other
 * package) at run time fails here: nothing outside the repository resolves it.
 */
describe('the installed ordo bin', () => {
  let stack: CliStack;
  let root: string;
  let ordo: string;
  let work: string;

  beforeAll(async () => {
    stack = await startCliStack('cli-installed');
    root = await mkdtemp(join(tmpdir(), 'ordo-installed-'));
    if (!relative(repoRoot, root).startsWith('..')) throw new Error(`${root} is inside the repository`);
    work = join(root, 'work');
    await mkdir(work);

    const packed = join(root, 'packed');
    execFileSync('pnpm', ['pack', '--pack-destination', packed], {
      cwd: cliDir,
      env: childProcessEnv(),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const [tarball] = await readdir(packed);
    const prefix = join(root, 'prefix');
    execFileSync(
      'npm',
      ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(packed, tarball!)],
      // A cache of its own: nothing a former install left can stand in for the registry.
      { cwd: work, env: childProcessEnv({ npm_config_cache: join(root, 'npm-cache') }), stdio: 'ignore' },
    );
    ordo = join(prefix, 'bin', 'ordo');
  });
  afterAll(async () => {
    await stack?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });
  afterEach(() => expect(stack.takeMismatches()).toEqual([]));

  /** Runs the installed bin in `work`, with Node's folder and the system's alone on PATH. */
  const run = (args: string[]): Promise<CliRun> =>
    new Promise((resolve) => {
      execFile(
        ordo,
        args,
        {
          cwd: work,
          env: {
            PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
            HOME: root,
            ORDO_API_URL: stack.apiUrl,
            ORDO_API_KEY: TEST_API_KEY,
          },
          timeout: 180_000,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
    });

  it('packs a manifest with the bin, its files and engines, and nothing to install', async () => {
    const manifest = JSON.parse(
      readFileSync(join(root, 'prefix', 'lib', 'node_modules', '@ordo', 'cli', 'package.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(manifest).toMatchObject({ bin: { ordo: './dist/ordo.js' }, files: ['dist/ordo.js'], version });
    expect(manifest.engines).toEqual({ node: expect.stringMatching(/^>=20/) });
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'])
      expect(manifest[field], field).toBeUndefined();
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
    const installed = await readdir(join(root, 'prefix', 'lib', 'node_modules', '@ordo', 'cli'), { recursive: true });
    expect(installed.sort()).toEqual(['README.md', 'dist', 'dist/ordo.js', 'package.json']);
    expect(
      readFileSync(join(root, 'prefix', 'lib', 'node_modules', '@ordo', 'cli', 'dist', 'ordo.js'), 'utf8'),
    ).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('prints its version, lists workflows as JSON and runs a job with --watch to COMPLETED', async () => {
    const printed = await run(['--version']);
    expect(printed.stderr).toBe('');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(`${version}\n`);

    await writeFile(
      join(work, 'nap.yaml'),
      [
        'workflow_id: wf_installed_nap',
        'name: Nap',
        'input_variables:',
        '  - { variable_id: ms, name: ms, required: true, schema: { type: number, integer: true } }',
        'steps:',
        '  - step_id: nap',
        '    tool: { tool_id: sleep, name: sleep }',
        '    parameter_mappings: { ms: ms }',
        '    output_mappings: {}',
        '',
      ].join('\n'),
    );
    const applied = await run(['workflows', 'apply', '-f', 'nap.yaml', '--publish']);
    expect(applied.code, applied.stderr).toBe(0);

    const listed = await run(['workflows', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const page = JSON.parse(listed.stdout) as { items: { workflow_id: string; status: string }[] };
    expect(page.items).toContainEqual(
      expect.objectContaining({ workflow_id: 'wf_installed_nap', status: 'PUBLISHED' }),
    );

    const ran = await run(['jobs', 'run', 'wf_installed_nap', '--input', 'ms=500', '--watch']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/nap\s+COMPLETED/);
    expect(ran.stdout).toMatch(/Job \S+ COMPLETED\./);
  });
});
