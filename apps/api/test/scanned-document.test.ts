import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import { pollUntil, seedFile } from '@ordo/testing';
import { generatedPdf } from '@ordo/tools/fixtures';
import {
  createJob,
  PDF_DOCUMENT_INPUT,
  json,
  startApiStack,
  startJob,
  toolStepDefinition,
  upload,
  waitForEnd,
  type ApiStack,
} from './harness';

// Tesseract reads a page in a few seconds, more on a loaded machine.
const SCAN_TIMEOUT_MS = 240_000;

const PAGES = [
  ['Annual Harbour Report', 'Container traffic at the northern terminal grew steadily this year.'],
  ['The new cranes shortened the average unloading time for large vessels.'],
];

/**
 * Seed 002's example on a scanned PDF (page images, no text layer) through the API and a real
 * worker on Temporal: pdf_extractor reads the pages by OCR, showing its page progress in the
 * job's live_output, and text_analyzer analyses the words; with OCR off, the step fails with
 * the cause and the remedy, not a parameter message at the next step.
 */
describe('a scanned document', { timeout: SCAN_TIMEOUT_MS + 60_000 }, () => {
  let stack: ApiStack;
  let scan: Uint8Array;
  const req = (path: string, init?: RequestInit) => stack.request(path, init);

  beforeAll(async () => {
    scan = await generatedPdf(PAGES.map((lines) => ({ scanned: lines })));
    stack = await startApiStack('scan');
  });
  afterAll(() => stack.stop());

  async function uploaded(): Promise<string> {
    const res = await req('/v1/files', upload(scan, 'harbour-scan.pdf'));
    expect(res.status).toBe(201);
    return ((await res.json()) as { file_id: string }).file_id;
  }

  it('runs seed 002 on it: the pages read by OCR, page progress live, the words analysed', async () => {
    expect((await req('/v1/workflows', json('POST', seedFile('wf_analyze_document.json')))).status).toBe(201);
    const created = await req('/v1/jobs', json('POST', seedFile('create-job-request.json')));
    const job = Job.parse(await created.json());
    await startJob(stack, job.job_id, { input_values: { input_doc: { file_id: await uploaded() }, depth: 'basic' } });

    const readJob = async () => Job.parse(await (await req(`/v1/jobs/${job.job_id}`)).json());
    const seen = await pollUntil(readJob, (j) => j.live_output.includes('OCR page') || j.status !== 'RUNNING', {
      timeoutMs: SCAN_TIMEOUT_MS,
      intervalMs: 100,
    });
    expect(seen.live_output).toMatch(/^Running step 1 of 2: PDF Text Extractor: OCR page [12] of 2$/);

    const done = await waitForEnd(stack, job.job_id, SCAN_TIMEOUT_MS);
    expect(done.error_message).toBeUndefined();
    expect(done.status).toBe('COMPLETED');
    const extracted = done.steps[0]?.output_data as { extracted_text: string; ocr_pages: number[]; note: string };
    expect(extracted.ocr_pages).toEqual([1, 2]);
    expect(extracted.note).toBe('Pages 1\u20132 were read by OCR; recognised text may have errors.');
    expect(extracted.extracted_text.replace(/\s+/g, ' ')).toContain(
      'Container traffic at the northern terminal grew steadily this year.',
    );
    const analysis = done.output_data.final_analysis as { statistics: { word_count: number }; summary: string };
    expect(analysis.statistics.word_count).toBeGreaterThanOrEqual(20);
    expect(analysis.summary).toMatch(/harbour|container|cranes/i);
  });

  it('with ocr: never, fails at pdf_extractor naming the pages, the cause and the remedy', async () => {
    const job = await createJob(
      stack,
      {
        input_variables: [PDF_DOCUMENT_INPUT],
        steps: [
          toolStepDefinition(
            'extract',
            'pdf_extractor',
            { input_file: 'doc', ocr: 'never' },
            { extracted_text: 'text' },
          ),
          toolStepDefinition(
            'analyze',
            'text_analyzer',
            { text: 'text', analysis_level: 'basic' },
            { analysis_results: 'a' },
          ),
        ],
      },
      { doc: { file_id: await uploaded() } },
    );
    await startJob(stack, job.job_id);
    const done = await waitForEnd(stack, job.job_id, SCAN_TIMEOUT_MS);
    expect(done.status).toBe('FAILED');
    expect(done.steps.map((s) => s.status)).toEqual(['FAILED', 'PENDING']);
    expect(done.error_message).toContain(
      'Failed to process PDF: pages 1\u20132 have no text layer (scanned images); run with ocr: auto to read them by OCR',
    );
  });
});
