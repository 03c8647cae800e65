import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import { freePort, pollUntil, seedFile, tempDataDir, waitForOk } from '@ordo/testing';
import { fetchChecked } from './openapi-check';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** `infra/dev.sh`, the stack `./ordo dev` runs, on free ports and its own data folder. */
function startDevStack(env: Record<string, string>): { child: ChildProcess; stop: () => Promise<number | null> } {
  const child = spawn('bash', [join(repoRoot, 'infra', 'dev.sh')], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: 'ignore',
    // Its own process group, so cleanup can reach every process of the stack.
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stop: async () => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      const code = await exited;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
      return code;
    },
  };
}

describe('the dev stack (infra/dev.sh)', () => {
  let dataDir: Awaited<ReturnType<typeof tempDataDir>>;
  let env: Record<string, string>;
  let api: string;
  let ui: string;
  const stacks: ReturnType<typeof startDevStack>[] = [];

  beforeAll(async () => {
    dataDir = await tempDataDir('dev-stack');
    const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
    env = {
      PORT: String(port),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      ORDO_DATA_DIR: dataDir.path,
      ORDO_TASK_QUEUE: 'ordo-jobs',
      // SQLite under ORDO_DATA_DIR: the stack inherits the test's own environment.
      DATABASE_URL: '',
      // The stack makes its own key.
      ORDO_API_KEYS: '',
      ORDO_AUTH: '',
    };
    api = `http://127.0.0.1:${port}`;
    ui = `http://127.0.0.1:${uiPort}`;
  });

  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.stop()));
    await dataDir.remove();
  });

  it('comes up with the seed workflow and the Web UI, and keeps jobs and runs across a restart', async () => {
    const first = startDevStack(env);
    stacks.push(first);
    await waitForOk(`${api}/ready`, 180_000);
    // The stack made an API key on its first run, readable by its owner only, and requires it.
    const keyFile = join(dataDir.path, 'api-key');
    const key = (await readFile(keyFile, 'utf8')).trim();
    expect(key).toMatch(/^ordo_dev_[A-Za-z0-9_-]{43}$/);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await fetch(`${api}/v1/workflows`)).status).toBe(401);
    const auth = { authorization: `Bearer ${key}` };
    /** fetch, with the stack's key on requests to its API. */
    // Answers of the API are checked against its OpenAPI document, as everywhere in the API tests.
    const call = (url: string, init: RequestInit = {}) => (url.startsWith(api) ? fetchChecked(url, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } }) : fetch(url, init));
    // The seed workflow is loaded by the stack itself.
    await waitForOk(`${api}/v1/workflows/wf_analyze_document`, 30_000, key);
    expect((await call(ui)).status).toBe(200);

    const form = new FormData();
    form.append('file', new Blob([await readFile(join(repoRoot, 'infra', 'seed', 'q4-report.pdf'))], { type: 'application/pdf' }), 'q4-report.pdf');
    const file = (await (await call(`${api}/v1/files`, { method: 'POST', body: form })).json()) as { file_id: string };
    const job = Job.parse(await (await call(`${api}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: seedFile('create-job-request.json') })).json());
    const put = (variable: string, value: unknown) =>
      call(`${api}/v1/jobs/${job.job_id}/inputs/${variable}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value }) });
    expect((await put('input_doc', { file_id: file.file_id })).status).toBe(200);
    expect((await put('depth', 'basic')).status).toBe(200);
    expect((await call(`${api}/v1/jobs/${job.job_id}/start`, { method: 'POST' })).status).toBe(202);
    const done = await pollUntil(
      async () => Job.parse(await (await call(`${api}/v1/jobs/${job.job_id}`)).json()),
      (j) => j.status === 'COMPLETED' || j.status === 'FAILED',
    );
    expect(done.status).toBe('COMPLETED');
    expect(Object.keys(done.output_data)).toEqual(['final_analysis']);

    // The Web UI's own API lists the job's run under its job_id.
    const listRuns = async () =>
      ((await (await call(`${ui}/api/v1/namespaces/default/workflows`)).json()) as { executions?: { execution: { workflowId: string } }[] }).executions ?? [];
    expect((await listRuns()).map((e) => e.execution.workflowId)).toContain(job.job_id);

    expect(await first.stop()).toBe(0);
    const second = startDevStack(env);
    stacks.push(second);
    await waitForOk(`${api}/ready`, 180_000);
    // The same key after a restart.
    expect((await readFile(keyFile, 'utf8')).trim()).toBe(key);
    const again = Job.parse(await (await call(`${api}/v1/jobs/${job.job_id}`)).json());
    expect(again.status).toBe('COMPLETED');
    expect(again.output_data).toEqual(done.output_data);
    expect((await call(`${api}/v1/workflows/wf_analyze_document`)).status).toBe(200);
    await waitForOk(ui, 60_000);
    expect((await listRuns()).map((e) => e.execution.workflowId)).toContain(job.job_id);
  });
});
