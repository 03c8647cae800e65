import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionState, Job } from '@ordo/core';
import {
  freePort,
  ordoProcessEnv,
  pollUntil,
  seedFile,
  startOrdoProcess,
  tempDataDir,
  waitForOk,
  withApiKey,
  type OrdoProcess,
} from '@ordo/testing';
import { LARGE_LAST_PAGE, pdfFixture } from '@ordo/tools/fixtures';
import { fetchChecked } from './openapi-check';

/**
 * Seed 002's example on a 1,100-page report whose text is over 3 MB (docs/contract.md), end to end over real
 * HTTP against the real API and worker processes: nothing Ordo sends to Temporal may grow
 * with the document (before the run-state design, this failed with TMPRL1103, payload too
 * large), the analysis reflects the figures on its last page, and the whole text is one GET away.
 */
describe('a document too large for a Temporal payload', () => {
  let dataDir: Awaited<ReturnType<typeof tempDataDir>>;
  let base: string;
  let pdf: Uint8Array;
  const processes: OrdoProcess[] = [];

  beforeAll(async () => {
    // Built (or read from its cache) before any request: seconds spent on it between two
    // requests would leave the client's keep-alive connection idle right at the server's
    // 5 s keep-alive timeout, and the upload would race the server closing it (EPIPE).
    pdf = pdfFixture('large-report');
    dataDir = await tempDataDir('large');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = ordoProcessEnv({ label: 'large', port, dataDir: dataDir.path });
    processes.push(startOrdoProcess('api', env), startOrdoProcess('worker', env));
    await waitForOk(`${base}/ready`);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await dataDir.remove();
  });

  const call = (path: string, init?: RequestInit) => fetchChecked(`${base}${path}`, withApiKey(init));
  const send = (method: string, path: string, body: string | object) =>
    call(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('runs seed 002 on a 1,100-page report: completes, with the last page figures, and the whole text on request', async () => {
    expect((await send('POST', '/v1/workflows', seedFile('wf_analyze_document.json'))).status).toBe(201);
    const form = new FormData();
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'ledger.pdf');
    const file = (await (await call('/v1/files', { method: 'POST', body: form })).json()) as { file_id: string };
    const job = Job.parse(await (await send('POST', '/v1/jobs', seedFile('create-job-request.json'))).json());
    const started = await send('POST', `/v1/jobs/${job.job_id}/start`, {
      input_values: { input_doc: { file_id: file.file_id }, depth: 'detailed' },
    });
    expect(started.status, await started.clone().text()).toBe(202);

    const done = await pollUntil(
      async () => Job.parse(await (await call(`/v1/jobs/${job.job_id}`)).json()),
      (j) => j.status === 'COMPLETED' || j.status === 'FAILED',
      { timeoutMs: 240_000, intervalMs: 500 },
    );
    expect(done.error_message).toBeUndefined();
    expect(done.status).toBe('COMPLETED');
    const analysis = done.output_data.final_analysis as { key_metrics: Record<string, string> };
    expect(analysis.key_metrics).toMatchObject({ revenue: LARGE_LAST_PAGE.revenue, growth: LARGE_LAST_PAGE.growth });
    expect(done.steps[0]?.output_data?.page_count).toBe(LARGE_LAST_PAGE.pageCount);

    // The Job view cuts the text for reading and says where the whole of it is…
    const shown = done.steps[0]?.output_data?.extracted_text as string;
    expect(shown).toMatch(
      new RegExp(
        `… \\[cut: \\d+ characters in all; GET /v1/jobs/${job.job_id}/outputs/document_text returns the whole value\\]$`,
      ),
    );
    // …which is the whole text, over 3 MB, down to its last page.
    const whole = (await (await call(`/v1/jobs/${job.job_id}/outputs/document_text`)).json()) as { value: string };
    expect(Buffer.byteLength(whole.value)).toBeGreaterThan(3_000_000);
    expect(whole.value.replace(/\s+/g, ' ')).toContain(LARGE_LAST_PAGE.sentence);
    // The execution state returns every value whole too.
    const state = ExecutionState.parse(await (await call(`/v1/jobs/${job.job_id}/execution-state`)).json());
    expect(state.variables.document_text).toBe(whole.value);
  });
});
