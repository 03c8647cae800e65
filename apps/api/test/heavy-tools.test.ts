import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import {
  freePort,
  makePdf,
  makeTextBombPdf,
  ordoProcessEnv,
  pollUntil,
  seedFile,
  startOrdoProcess,
  tempDataDir,
  waitForOk,
  withApiKey,
  type OrdoProcess,
} from '@ordo/testing';
import { MAX_TEXT_CHARS } from '@ordo/tools';
import { fetchChecked } from './openapi-check';

const MIB = 1024 * 1024;

/**
 * Findings 4 and 1 of the hardening issue, end to end over real HTTP against the real API
 * and worker processes, on seed 002's workflow (docs/contract.md): heavy tool work runs in worker threads, so
 * it cannot starve the worker's event loop. A PDF of a few kilobytes whose 100 pages share
 * one compressed content stream of 1 MiB of text once held the worker's event loop for
 * minutes (other jobs stayed "Starting", a cancel did nothing, only SIGKILL freed it).
 */
describe('heavy tool work beside other jobs', () => {
  let dataDir: Awaited<ReturnType<typeof tempDataDir>>;
  let base: string;
  let worker: OrdoProcess;
  const processes: OrdoProcess[] = [];

  beforeAll(async () => {
    dataDir = await tempDataDir('heavy');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = ordoProcessEnv({ label: 'heavy', port, dataDir: dataDir.path });
    worker = startOrdoProcess('worker', env);
    processes.push(startOrdoProcess('api', env), worker);
    await waitForOk(`${base}/ready`);
    expect((await send('POST', '/v1/workflows', seedFile('wf_analyze_document.json'))).status).toBe(201);
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
  const getJob = async (jobId: string) => Job.parse(await (await call(`/v1/jobs/${jobId}`)).json());
  const waitFor = (jobId: string, until: (job: Job) => boolean, timeoutMs: number) =>
    pollUntil(() => getJob(jobId), until, { timeoutMs, intervalMs: 250 });
  const ended = (job: Job) => job.status === 'COMPLETED' || job.status === 'FAILED';
  const workerUp = () => worker.child.exitCode === null && worker.child.signalCode === null;

  /** Uploads the PDF and starts seed 002's job on it. */
  async function analyse(pdf: Uint8Array, name: string, depth: 'basic' | 'comprehensive'): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), name);
    const file = (await (await call('/v1/files', { method: 'POST', body: form })).json()) as { file_id: string };
    const job = Job.parse(await (await send('POST', '/v1/jobs', seedFile('create-job-request.json'))).json());
    const started = await send('POST', `/v1/jobs/${job.job_id}/start`, {
      input_values: { input_doc: { file_id: file.file_id }, depth },
    });
    expect(started.status, await started.clone().text()).toBe(202);
    return job.job_id;
  }

  it(
    'fails a text bomb with a clear message in bounded time, while a job beside it completes and the worker stays up',
    { timeout: 420_000 },
    async () => {
      const bomb = await makeTextBombPdf({ pages: 100, textCharsPerPage: MIB });
      expect(bomb.byteLength).toBeLessThan(32 * 1024);
      const bombJob = await analyse(bomb, 'bomb.pdf', 'comprehensive');
      // Once the bomb is being read, an ordinary document on the same worker.
      await waitFor(bombJob, (j) => /Processing page \d+ of 100/.test(j.live_output), 60_000);
      const small = await makePdf([
        ['Quarterly update', 'Revenue reached $42.7 million this quarter, up 23% from last year.'],
      ]);
      const otherJob = await analyse(small, 'small.pdf', 'basic');

      const other = await waitFor(otherJob, ended, 120_000);
      expect(other.error_message).toBeUndefined();
      expect(other.status).toBe('COMPLETED');
      // Bounded: the text limit stops the reading after 10 of its 100 pages. Before, the 100 MiB
      // of text went on to text_analyzer, which held the event loop for 9 CPU-minutes.
      const done = await waitFor(bombJob, ended, 180_000);
      expect(done.status).toBe('FAILED');
      const message = `Failed to process PDF: its text is over the limit of ${MAX_TEXT_CHARS} characters (passed on page 10 of 100)`;
      expect(done.steps[0]).toMatchObject({ status: 'FAILED', attempt: 1, error_message: message });
      expect(done.error_message).toContain(message);
      // Which of the two ends first says nothing: since pdf.js was sped up, the bomb reaches the
      // limit within a second or two, as fast as the other job's two steps. Both ending, the
      // other one COMPLETED, is what shows the worker kept serving beside it.
      expect(workerUp()).toBe(true);
    },
  );

  it(
    'ends a job promptly when it is cancelled while text_analyzer is busy in its thread',
    { timeout: 300_000 },
    async () => {
      // Nine pages of 1 MiB of text: under the limit, so text_analyzer gets all of it, and
      // figures without a sentence end, which take it tens of seconds (before its fixes: minutes).
      const long = await makeTextBombPdf({
        pages: 9,
        textCharsPerPage: MIB,
        sentence: 'Revenue grew $1.5 million and margin 5% ',
      });
      const jobId = await analyse(long, 'long.pdf', 'comprehensive');
      await waitFor(jobId, (j) => j.steps[0]?.status === 'COMPLETED', 180_000);
      // The analysis is under way once its thread says so. (A tool holding the event loop
      // could not say it: after a while the cancel goes ahead anyway.)
      const busy = await waitFor(jobId, (j) => /Analysing \d+ characters/.test(j.live_output), 15_000).then(
        () => true,
        () => false,
      );
      const cancelled = await call(`/v1/jobs/${jobId}/cancel`, { method: 'POST' });
      expect(cancelled.status, await cancelled.clone().text()).toBe(202);
      // Before, the analysis held the event loop: the cancel reached the tool only once it had finished.
      const done = await waitFor(jobId, ended, 30_000);
      expect(done).toMatchObject({ status: 'FAILED', error_message: 'Job cancelled by user' });
      expect(done.steps[0]?.status).toBe('COMPLETED');
      expect(done.steps[1]).toMatchObject({ status: 'FAILED', error_message: 'Job cancelled by user' });
      expect(busy, 'text_analyzer was under way when the cancel came').toBe(true);
      expect(workerUp()).toBe(true);
    },
  );
});
