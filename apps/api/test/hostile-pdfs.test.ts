import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, JobEvent } from '@ordo/core';
import { makeDeflateBombPdf, makeFakePdf, makeImagePagesPdf, makeJavaScriptPdf, makePdf } from '@ordo/testing';
import type { OrdoProcess } from '@ordo/testing';
import {
  createJob,
  PDF_DOCUMENT_INPUT,
  startApiStack,
  startJob,
  startWorkerProcess,
  toolStepDefinition,
  upload,
  waitForEnd,
  type ApiStack,
} from './harness';
import { SseReader } from './sse-reader';

// Generous: a loaded 2-core machine; the bounds themselves are in packages/tools/src/pdf/input-bounds.ts.
const JOB_TIMEOUT_MS = 180_000;
/** Far below the default 300 s attempt timeout, with a generous margin over the seconds it takes. */
const FAST_FAILURE_MS = 90_000;

/**
 * Hostile PDFs uploaded as a user would, each read by a one-step pdf_extractor job on a real
 * worker process: a decompression bomb (1 GiB from 1 MB), 2,000 pages of 75 MB images, random
 * bytes behind a %PDF- header, a PDF full of JavaScript. Each ends its step with a clear,
 * coded message (or, for the script, the text), a healthy job running at the same time
 * completes, and the worker process is still up and working afterwards.
 */
describe('hostile PDFs through the real stack', { timeout: 4 * JOB_TIMEOUT_MS }, () => {
  let stack: ApiStack;
  let worker: OrdoProcess;

  beforeAll(async () => {
    // No in-process worker: the jobs run on a worker process, which must survive them.
    stack = await startApiStack('hostile-pdfs', { worker: false });
    worker = await startWorkerProcess(stack);
  });
  afterAll(async () => {
    await worker?.kill();
    stack?.app.closeEventStreams();
    await stack?.stop();
  });

  async function uploaded(bytes: Uint8Array, name: string): Promise<string> {
    const res = await stack.request('/v1/files', upload(bytes, name));
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { file_id: string }).file_id;
  }

  /** A started one-step job reading `name` with pdf_extractor (more parameters in `params`). */
  async function extraction(bytes: Uint8Array, name: string, params: Record<string, unknown> = {}): Promise<Job> {
    const job = await createJob(
      stack,
      {
        input_variables: [PDF_DOCUMENT_INPUT],
        steps: [
          toolStepDefinition('extract', 'pdf_extractor', { input_file: 'doc', ...params }, { extracted_text: 'text' }),
        ],
        output_variables: ['text'],
      },
      { doc: { file_id: await uploaded(bytes, name) } },
    );
    await startJob(stack, job.job_id);
    return job;
  }

  /** The job's `step.failed` event's data: the error code recorded. */
  async function stepFailure(jobId: string): Promise<{ error_code?: string }> {
    const res = await stack.request(`/v1/jobs/${jobId}/events`);
    expect(res.status).toBe(200);
    const events: JobEvent[] = await new SseReader(res).rest();
    const failed = events.find((e) => e.type === 'step.failed');
    expect(failed, JSON.stringify(events.map((e) => e.type))).toBeDefined();
    return failed!.data;
  }

  async function expectFailed(job: Job, code: string, message: string): Promise<void> {
    const done = await waitForEnd(stack, job.job_id, JOB_TIMEOUT_MS);
    expect(done.status).toBe('FAILED');
    expect(done.steps[0]?.status).toBe('FAILED');
    expect(done.error_message).toBe(message);
    expect(await stepFailure(job.job_id)).toMatchObject({ error_code: code });
  }

  const healthy = () => makePdf([['Revenue grew 12% to $4.2 million in the quarter.']]);

  it('ends a decompression bomb at the bound, while a job running beside it completes', async () => {
    const bomb = await makeDeflateBombPdf({ inflatedBytes: 2 ** 30, text: 'Quarterly revenue rose 5%.' });
    const [bombJob, otherJob] = await Promise.all([
      extraction(bomb, 'bomb.pdf'),
      extraction(await healthy(), 'healthy.pdf'),
    ]);
    await expectFailed(
      bombJob,
      'RESOURCE_LIMIT_EXCEEDED',
      "Failed to process PDF: file 'bomb.pdf' was not read: a stream (page 1) inflates to more than 128 MiB, " +
        'the limit per stream (a decompression bomb, or data far larger than a document needs)',
    );
    const other = await waitForEnd(stack, otherJob.job_id, JOB_TIMEOUT_MS);
    expect(other.status).toBe('COMPLETED');
    expect(other.output_data.text).toBe('Revenue grew 12% to $4.2 million in the quarter.\n\f');
  });

  it('reads 2,000 pages of large images without decoding them and names the pages without text', async () => {
    const scans = await makeImagePagesPdf({ pages: 2_000, width: 5_000, height: 5_000 });
    await expectFailed(
      await extraction(scans, 'scans.pdf', { ocr: 'never' }),
      'PDF_NO_TEXT_LAYER',
      'Failed to process PDF: pages 1\u20132000 have no text layer (scanned images); run with ocr: auto to read them by OCR',
    );
  });

  it('fails 2,000 image pages with ocr: auto (the default) before any OCR, far within the attempt timeout', async () => {
    const scans = await makeImagePagesPdf({ pages: 2_000, width: 5_000, height: 5_000 });
    const started = performance.now();
    const job = await extraction(scans, 'scans.pdf');
    // Liveness, not timing: the text layers of 2,000 pages take seconds; OCR of 50 such pages
    // took 305 s, past the 300 s attempt timeout (Temporal then retried the whole attempt).
    const done = await waitForEnd(stack, job.job_id, FAST_FAILURE_MS);
    console.info(`2,000 image pages with ocr: auto failed in ${Math.round(performance.now() - started)} ms`);
    expect(done.status).toBe('FAILED');
    expect(done.error_message).toBe(
      'Failed to process PDF: 2000 of the 2000 pages to read have no text layer, over the limit of 50 pages ' +
        'read by OCR in one step; read the document in parts with extraction_mode \'pages\' (e.g. pages: "1-50"), ' +
        'or run with ocr: never to get the text of the pages that have a text layer',
    );
    expect(await stepFailure(job.job_id)).toMatchObject({ error_code: 'RESOURCE_LIMIT_EXCEEDED' });
  });

  it('fails a file that only claims to be a PDF as PDF_INVALID, naming it', async () => {
    await expectFailed(
      await extraction(makeFakePdf(200_000), 'claims-to-be.pdf'),
      'PDF_INVALID',
      "Failed to process PDF: file 'claims-to-be.pdf' is corrupt or not a valid PDF (Invalid PDF structure.)",
    );
  });

  it('reads a PDF full of JavaScript without running it (run, the script would never return)', async () => {
    const scripted = await makeJavaScriptPdf({ lines: ['Quarterly revenue rose 5%.'], script: 'while (true) {}' });
    const done = await waitForEnd(stack, (await extraction(scripted, 'scripted.pdf')).job_id, JOB_TIMEOUT_MS);
    expect(done.status).toBe('COMPLETED');
    expect(done.output_data.text).toBe('Quarterly revenue rose 5%.\n\n[form] total: 42\n\f');
  });

  it('leaves the worker process up and working', async () => {
    expect(worker.child.exitCode, worker.output()).toBeNull();
    const done = await waitForEnd(stack, (await extraction(await healthy(), 'after.pdf')).job_id, JOB_TIMEOUT_MS);
    expect(done.status).toBe('COMPLETED');
  });
});
