import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  devStackConfig,
  startCheckedProxy,
  startDevStack,
  waitForOk,
  type CheckedProxy,
  type DevStack,
  type DevStackConfig,
} from '@ordo/testing';
import { generatePythonClient, type GeneratedPythonClient } from './python-client';

const execFileAsync = promisify(execFile);
const testDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(testDir, '..', '..', '..');

/** What `python-client-flow.py` prints. */
interface FlowReport {
  file: { file_id: string; mime_type: string; size: number };
  job_id: string;
  created: { status: string; input_errors: Record<string, string> };
  validated: { valid: boolean; input_values: Record<string, unknown> };
  started_status: string;
  status: string;
  step_statuses: string[];
  final_analysis: { summary?: unknown; key_metrics?: unknown } | null;
}

/**
 * Seed 002's flow as a Python user drives it: the client openapi-python-client generates from
 * the document a running API serves, used through its functions and models
 * (`python-client-flow.py`), against a real dev stack (`infra/dev.sh`: API, worker, Temporal
 * dev server, the seed loaded), every answer checked against the document by a proxy.
 */
describe('the generated Python client drives seed 002', () => {
  let root: string;
  let config: DevStackConfig;
  let stack: DevStack;
  let proxy: CheckedProxy;
  let key: string;
  let client: GeneratedPythonClient;
  let project: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ordo-python-client-'));
    config = await devStackConfig(join(root, 'data'));
    stack = startDevStack(config);
    // A slow start names what the stack printed (a fresh clone once took over 180 s here, unexplained).
    await waitForOk(`${config.api}/ready`, 240_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nthe stack printed:\n${stack.output().slice(-6000)}`);
    });
    key = (await readFile(join(config.dataDir, 'api-key'), 'utf8')).trim();
    await waitForOk(`${config.api}/v1/workflows/wf_analyze_document`, 60_000, key);
    proxy = await startCheckedProxy(config.api);
    const docPath = join(root, 'openapi.json');
    writeFileSync(docPath, await (await fetch(`${config.api}/openapi.json`)).text());
    project = join(root, 'client');
    client = generatePythonClient(docPath, project, 'uv');
  }, 420_000);

  afterAll(async () => {
    await proxy?.close();
    await stack?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("runs in the generator's venv: every dependency the client declares is installed there, and pinned", () => {
    expect(client.status, client.log).toBe(0);
    const pyproject = readFileSync(join(project, 'pyproject.toml'), 'utf8');
    const dependencies = [.../^dependencies = \[\n([\s\S]*?)\n\]/m.exec(pyproject)![1]!.matchAll(/"([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(dependencies.map((d) => /^[A-Za-z0-9_.-]+/.exec(d)![0]).sort()).toEqual(['attrs', 'httpx']);
    const pins = readFileSync(join(repoRoot, 'infra', 'openapi-python-client-requirements.txt'), 'utf8');
    for (const dependency of dependencies) {
      const name = /^[A-Za-z0-9_.-]+/.exec(dependency)![0];
      expect(pins, name).toMatch(new RegExp(`^${name}==`, 'im'));
      // The installed version satisfies the range the client asks for (pip's own requirement parser).
      const check = spawnSync(
        client.python,
        [
          '-c',
          'import sys; from importlib.metadata import version; from pip._vendor.packaging.requirements import Requirement; r = Requirement(sys.argv[1]); sys.exit(0 if r.specifier.contains(version(r.name)) else f"{r.name} {version(r.name)} is not {r.specifier}")',
          dependency,
        ],
        { encoding: 'utf8' },
      );
      expect(check.stdout + check.stderr, dependency).toBe('');
      expect(check.status).toBe(0);
    }
  });

  it('uploads, creates the job, sets both inputs, validates, starts (no body), polls to the end and reads final_analysis', async () => {
    expect(client.status, client.log).toBe(0);
    // Not spawnSync: the checked proxy answers the script from this process's event loop.
    const run = await execFileAsync(
      client.python,
      [join(testDir, 'python-client-flow.py'), proxy.url, key, join(repoRoot, 'infra', 'seed', 'q4-report.pdf')],
      { encoding: 'utf8', env: { ...process.env, PYTHONPATH: project }, timeout: 180_000 },
    ).then(
      ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
      (error: { code?: unknown; stdout?: string; stderr?: string; message: string }) => ({
        status: error.code,
        stdout: error.stdout ?? '',
        stderr: `${error.stderr ?? ''}${error.message}`,
      }),
    );
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as FlowReport;
    expect(report.file).toMatchObject({ mime_type: 'application/pdf', size: expect.any(Number) as number });
    expect(report.created).toEqual({
      status: 'PENDING',
      input_errors: { input_doc: 'document is required', depth: 'analysis_depth is required' },
    });
    expect(report.validated).toEqual({
      valid: true,
      input_values: {
        input_doc: expect.objectContaining({ file_id: report.file.file_id }) as object,
        depth: 'detailed',
      },
    });
    expect(report.started_status).toBe('RUNNING');
    expect(report).toMatchObject({ status: 'COMPLETED', step_statuses: ['COMPLETED', 'COMPLETED'] });
    expect(report.final_analysis).toMatchObject({ summary: expect.any(String) as string });
    expect(proxy.takeMismatches()).toEqual([]);
  });
});
