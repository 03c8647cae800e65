import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import {
  devStackConfig,
  pollUntil,
  seedFile,
  startDevStack,
  tempDataDir,
  waitForOk,
  type DevStack,
  type DevStackConfig,
} from '@ordo/testing';
import { createJob, remoteApi, startJob, toolStepDefinition, waitForEnd, waitForJob } from './harness';
import { fetchChecked } from './openapi-check';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('the dev stack (infra/dev.sh)', () => {
  const dataDirs: Awaited<ReturnType<typeof tempDataDir>>[] = [];
  const stacks: DevStack[] = [];
  let config: DevStackConfig;
  let api: string;
  let ui: string;

  /** A stack on `config`, stopped (and its process group killed) after the tests. */
  const start = (stackConfig: DevStackConfig) => {
    const stack = startDevStack(stackConfig);
    stacks.push(stack);
    return stack;
  };

  /** The stack has stopped: every process it reported is gone, none of its group is left, none was restarted on the way. */
  const expectStoppedCleanly = (stack: DevStack) => {
    const output = stack.output();
    expect(output).toMatch(/^dev: stopping$/m);
    expect(output.split(/^dev: stopping$/m)[1]).not.toMatch(/restarting|running \(pid/);
    expect(stack.processesLeft()).toEqual([]);
    for (const pid of (['temporal', 'worker', 'api'] as const).flatMap((name) => stack.pids(name))) {
      expect(() => process.kill(pid, 0), `pid ${pid} is still running`).toThrow();
    }
  };

  beforeAll(async () => {
    const dataDir = await tempDataDir('dev-stack');
    dataDirs.push(dataDir);
    config = await devStackConfig(dataDir.path);
    ({ api, ui } = config);
  });

  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.stop()));
    await Promise.all(dataDirs.map((d) => d.remove()));
  });

  it('comes up with the seed workflow and the Web UI, and keeps jobs and runs across a restart', async () => {
    const first = start(config);
    await waitForOk(`${api}/ready`, 180_000);
    // The stack made an API key on its first run, readable by its owner only, and requires it.
    const keyFile = join(config.dataDir, 'api-key');
    const key = (await readFile(keyFile, 'utf8')).trim();
    expect(key).toMatch(/^ordo_dev_[A-Za-z0-9_-]{43}$/);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    // And a URL signing key (external tools' file URLs) beside it, the same way.
    const signingKeyFile = join(config.dataDir, 'url-signing-key');
    expect((await readFile(signingKeyFile, 'utf8')).trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(signingKeyFile)).mode & 0o777).toBe(0o600);
    expect((await fetch(`${api}/v1/workflows`)).status).toBe(401);
    const auth = { authorization: `Bearer ${key}` };
    /** fetch, with the stack's key on requests to its API. */
    // Answers of the API are checked against its OpenAPI document, as everywhere in the API tests.
    const call = (url: string, init: RequestInit = {}) =>
      url.startsWith(api)
        ? fetchChecked(url, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })
        : fetch(url, init);
    // The seed workflow is loaded by the stack itself.
    await waitForOk(`${api}/v1/workflows/wf_analyze_document`, 30_000, key);
    expect((await call(ui)).status).toBe(200);

    const form = new FormData();
    form.append(
      'file',
      new Blob([await readFile(join(repoRoot, 'infra', 'seed', 'q4-report.pdf'))], { type: 'application/pdf' }),
      'q4-report.pdf',
    );
    const file = (await (await call(`${api}/v1/files`, { method: 'POST', body: form })).json()) as { file_id: string };
    const job = Job.parse(
      await (
        await call(`${api}/v1/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: seedFile('create-job-request.json'),
        })
      ).json(),
    );
    const put = (variable: string, value: unknown) =>
      call(`${api}/v1/jobs/${job.job_id}/inputs/${variable}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value }),
      });
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
      (
        (await (await call(`${ui}/api/v1/namespaces/default/workflows`)).json()) as {
          executions?: { execution: { workflowId: string } }[];
        }
      ).executions ?? [];
    expect((await listRuns()).map((e) => e.execution.workflowId)).toContain(job.job_id);

    // Ctrl-C stops it all, and nothing is restarted.
    expect(await first.interrupt()).toBe(0);
    expectStoppedCleanly(first);
    const second = start(config);
    await waitForOk(`${api}/ready`, 180_000);
    // The same key after a restart.
    expect((await readFile(keyFile, 'utf8')).trim()).toBe(key);
    const again = Job.parse(await (await call(`${api}/v1/jobs/${job.job_id}`)).json());
    expect(again.status).toBe('COMPLETED');
    expect(again.output_data).toEqual(done.output_data);
    expect((await call(`${api}/v1/workflows/wf_analyze_document`)).status).toBe(200);
    await waitForOk(ui, 60_000);
    expect((await listRuns()).map((e) => e.execution.workflowId)).toContain(job.job_id);
    expect(await second.stop()).toBe(0);
  });
  it('restarts a worker, an API and a Temporal killed with SIGKILL, keeps running jobs, and stops on SIGTERM leaving no process', async () => {
    const dataDir = await tempDataDir('dev-stack-crash');
    dataDirs.push(dataDir);
    // The test tools (sleep): jobs that are mid-step when a process dies.
    const crashConfig = await devStackConfig(dataDir.path, { ORDO_TEST_TOOLS: '1' });
    const stack = start(crashConfig);
    await waitForOk(`${crashConfig.api}/ready`, 180_000);
    const key = (await readFile(join(dataDir.path, 'api-key'), 'utf8')).trim();
    const remote = remoteApi(crashConfig.api, key);
    /** A job of one `sleep` step, started; a lost attempt is noticed after a 2 s heartbeat timeout. */
    const startSleeper = async (ms: number) => {
      const job = await createJob(remote, {
        steps: [
          toolStepDefinition(
            'nap',
            'sleep',
            { ms },
            {},
            { heartbeat_timeout_seconds: 2, retry_policy: { maximum_attempts: 5, initial_interval_ms: 200 } },
          ),
        ],
      });
      await startJob(remote, job.job_id);
      return job.job_id;
    };
    /** SIGKILL to a supervised process (a crash: no shutdown handler runs), then its restart, seen in the log. */
    const crash = async (name: 'worker' | 'api' | 'temporal') => {
      const pids = stack.pids(name);
      const pid = pids.at(-1);
      expect(pid, stack.output()).toBeDefined();
      process.kill(pid as number, 'SIGKILL');
      await stack.waitForOutput(new RegExp(`^dev: ${name} exited \\(signal KILL\\); restarting in \\d+ s$`, 'm'));
      await pollUntil(
        () => Promise.resolve(stack.pids(name)),
        (now) => now.length === pids.length + 1,
        { timeoutMs: 60_000, intervalMs: 100 },
      );
    };

    // The worker dies while a step runs: it comes back, and the step runs again on it.
    const duringWorkerCrash = await startSleeper(8_000);
    await waitForJob(remote, duringWorkerCrash, (j) => j.steps[0]?.status === 'RUNNING');
    await crash('worker');
    const recovered = await waitForEnd(remote, duringWorkerCrash, 120_000);
    expect(recovered.status).toBe('COMPLETED');
    expect(recovered.steps[0]?.attempt).toBeGreaterThanOrEqual(2);

    // The API dies while a job runs: the job goes on, and the API that comes back serves it.
    const duringApiCrash = await startSleeper(3_000);
    await crash('api');
    await waitForOk(`${crashConfig.api}/ready`, 60_000, key);
    expect((await waitForEnd(remote, duringApiCrash, 120_000)).status).toBe('COMPLETED');

    // Temporal dies: it comes back on its database, and the worker and API carry on with it.
    await crash('temporal');
    await waitForOk(`${crashConfig.api}/ready`, 60_000, key);
    const afterTemporalCrash = await startSleeper(500);
    expect((await waitForEnd(remote, afterTemporalCrash, 120_000)).status).toBe('COMPLETED');
    expect((await waitForEnd(remote, duringWorkerCrash)).status).toBe('COMPLETED');

    // None of it stopped the stack; SIGTERM to it stops all of it.
    expect(stack.child.exitCode).toBeNull();
    expect(stack.output()).not.toMatch(/^dev: stopping$/m);
    expect(await stack.terminate()).toBe(0);
    expectStoppedCleanly(stack);
  });
});
