import { afterAll, beforeAll, expect, it } from 'vitest';
import { ExecutionState, Job } from '@ordo/core';
import {
  forEachDialect,
  freePort,
  makePdf,
  seedFile,
  startOrdoProcess,
  testStoreConfig,
  temporalAddress,
  temporalNamespace,
  uniqueTaskQueue,
  waitForOk,
  waitForReady,
  withApiKey,
  type OrdoProcess,
  type TestStoreConfig,
} from '@ordo/testing';
import { fetchChecked } from './openapi-check';

/**
 * Seed 002 (docs/contract.md) end to end over real HTTP, against the real API and worker processes
 * (`tsx apps/*\/src/main.ts`, as `./ordo dev` runs them), then a restart; on SQLite and on
 * the run's PostgreSQL server (a database of its own, given as `DATABASE_URL`).
 */
forEachDialect('seed 002 end to end over HTTP', (dialect) => {
  let storeConfig: TestStoreConfig;
  let env: Record<string, string>;
  let base: string;
  const processes: OrdoProcess[] = [];

  beforeAll(async () => {
    storeConfig = await testStoreConfig(dialect, 'e2e');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: temporalNamespace(),
      ORDO_TASK_QUEUE: uniqueTaskQueue('e2e'),
      ORDO_DATA_DIR: storeConfig.config.dataDir,
      // Empty means SQLite under ORDO_DATA_DIR (startOrdoProcess passes the test's own environment through).
      DATABASE_URL: storeConfig.config.databaseUrl ?? '',
    };
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await storeConfig.remove();
  });

  function start(app: 'api' | 'worker'): OrdoProcess {
    const p = startOrdoProcess(app, env);
    processes.push(p);
    return p;
  }

  const call = async (path: string, init?: RequestInit) => fetchChecked(`${base}${path}`, withApiKey(init));
  const send = (method: string, path: string, body: string | object) =>
    call(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('runs the seed job over HTTP, shows live state, and keeps everything across a restart', async () => {
    const api = start('api');
    const worker = start('worker');
    await waitForOk(`${base}/ready`, 120_000);

    expect((await send('POST', '/v1/workflows', seedFile('wf_analyze_document.json'))).status).toBe(201);

    const pages = Array.from({ length: 40 }, (_, i) => [
      `Page ${i + 1} of the Fabrikam annual review.`,
      'Revenue reached $18.4 million and net income was $2.1 million.',
      'Subscriber growth was 31% while churn fell to 4%.',
    ]);
    const form = new FormData();
    form.append('file', new Blob([await makePdf(pages)], { type: 'application/pdf' }), 'fabrikam.pdf');
    const uploaded = await call('/v1/files', { method: 'POST', body: form });
    expect(uploaded.status).toBe(201);
    const file = (await uploaded.json()) as { file_id: string; name: string; mime_type: string; size: number };
    expect(file).toMatchObject({ name: 'fabrikam.pdf', mime_type: 'application/pdf' });
    expect(file.size).toBeGreaterThan(1000);

    // The seed's CreateJobRequest, byte for byte.
    const created = await send('POST', '/v1/jobs', seedFile('create-job-request.json'));
    expect(created.status).toBe(201);
    const job = Job.parse(await created.json());
    expect(job.input_errors).toEqual({ input_doc: 'document is required', depth: 'analysis_depth is required' });
    expect(
      (
        await send('PUT', `/v1/jobs/${job.job_id}/inputs/input_doc`, {
          value: { file_id: file.file_id, name: file.name },
        })
      ).status,
    ).toBe(200);
    expect((await send('PUT', `/v1/jobs/${job.job_id}/inputs/depth`, { value: 'detailed' })).status).toBe(200);
    expect((await call(`/v1/jobs/${job.job_id}/start`, { method: 'POST' })).status).toBe(202);

    // Every answer during the run has all of seed 000's executionState fields with their types.
    const seen: ExecutionState[] = [];
    let final: Job | undefined;
    for (let i = 0; i < 600 && !final; i++) {
      const stateRes = await call(`/v1/jobs/${job.job_id}/execution-state`);
      expect(stateRes.status).toBe(200);
      const raw = (await stateRes.json()) as Record<string, unknown>;
      // Seed 000's fields, plus `stale: true` on an answer the live query could not give in time (a loaded machine).
      const { stale, ...fields } = raw;
      expect(stale === undefined || stale === true).toBe(true);
      expect(Object.keys(fields).sort()).toEqual([
        'current_step_index',
        'is_paused',
        'live_output',
        'status',
        'step_results',
        'total_steps',
        'variables',
      ]);
      expect(typeof raw.current_step_index).toBe('number');
      expect(typeof raw.total_steps).toBe('number');
      expect(typeof raw.is_paused).toBe('boolean');
      expect(typeof raw.live_output).toBe('string');
      expect(typeof raw.variables).toBe('object');
      expect(Array.isArray(raw.step_results)).toBe(true);
      seen.push(ExecutionState.parse(raw));
      const current = Job.parse(await (await call(`/v1/jobs/${job.job_id}`)).json());
      if (current.status === 'COMPLETED' || current.status === 'FAILED') final = current;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.some((s) => s.status === 'RUNNING')).toBe(true);
    for (const result of seen.flatMap((s) => s.step_results)) {
      expect(typeof result.success).toBe('boolean');
      expect(Number.isNaN(Date.parse(result.started_at))).toBe(false);
    }

    expect(final?.status).toBe('COMPLETED');
    expect(final?.started_at).toBeDefined();
    expect(final?.completed_at).toBeDefined();
    expect(final?.steps[0]?.output_data?.extracted_text).toEqual(expect.stringContaining('Subscriber growth was 31%'));
    const analysis = final?.output_data.final_analysis as { summary: string; key_metrics: Record<string, string> };
    expect(analysis.summary).toMatch(/Fabrikam|Revenue reached \$18\.4 million|Subscriber growth/);
    expect(analysis.key_metrics).toMatchObject({ revenue: '18.4M', growth: '31%' });
    // The output rule: document_text is read by the analysis step, so only final_analysis is a job output.
    expect(Object.keys(final?.output_data ?? {})).toEqual(['final_analysis']);

    // Stop both processes cleanly; then the API alone, with no worker, still answers from the database.
    expect(await worker.stop()).toBe(0);
    expect(await api.stop()).toBe(0);
    start('api');
    // No worker polls now: ready for what this needs, the database (and Temporal).
    await waitForReady(base, ['database', 'temporal'], 120_000);
    const afterRestart = Job.parse(await (await call(`/v1/jobs/${job.job_id}`)).json());
    expect(afterRestart.status).toBe('COMPLETED');
    expect(afterRestart.output_data).toEqual(final?.output_data);
    expect(afterRestart.steps.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED']);
    const workflow = await call('/v1/workflows/wf_analyze_document');
    expect(workflow.status).toBe(200);
    const state = ExecutionState.parse(await (await call(`/v1/jobs/${job.job_id}/execution-state`)).json());
    expect(state.status).toBe('COMPLETED');
    expect(state.variables.final_analysis).toEqual(final?.output_data.final_analysis);
  });
});
