import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import { seedFile } from '@ordo/testing';
import { pdfFixture } from '@ordo/tools/fixtures';
import { json, startApiStack, startJob, upload, waitForEnd, type ApiStack } from './harness';

/**
 * A scanned PDF (pages of images, no text layer) through seed 002's workflow, as a new user
 * runs it: the job fails at its first step, pdf_extractor, with PDF_NO_TEXT_LAYER and a
 * message naming the pages, the cause and the remedy, not one step later with
 * text_analyzer's "text: must contain words" about a parameter the user never set (issue 19).
 */
describe('a scan run as a job', () => {
  let stack: ApiStack;
  const req = (path: string, init?: RequestInit) => stack.request(path, init);

  beforeAll(async () => {
    stack = await startApiStack('scan');
  });
  afterAll(async () => stack.stop());

  it(
    'fails at pdf_extractor with PDF_NO_TEXT_LAYER, naming pages, cause and remedy',
    { timeout: 180_000 },
    async () => {
      expect((await req('/v1/workflows', json('POST', JSON.parse(seedFile('wf_analyze_document.json'))))).status).toBe(
        201,
      );
      const uploaded = await req('/v1/files', upload(pdfFixture('no-text-layer'), 'scan.pdf'));
      const file = (await uploaded.json()) as { file_id: string };
      const created = await req('/v1/jobs', json('POST', JSON.parse(seedFile('create-job-request.json'))));
      expect(created.status).toBe(201);
      const job = Job.parse(await created.json());
      await startJob(stack, job.job_id, { input_values: { input_doc: { file_id: file.file_id }, depth: 'basic' } });

      const done = await waitForEnd(stack, job.job_id, 120_000);
      expect(done.status).toBe('FAILED');
      const [extract, analyse] = done.steps;
      expect(extract).toMatchObject({ tool: { tool_id: 'pdf_extractor' }, status: 'FAILED', attempt: 1 });
      expect(extract?.error_message).toMatch(
        /^Failed to process PDF: pages? 1(–\d+)? (has|have) no text layer \(scanned images\)/,
      );
      expect(extract?.error_message).toContain('OCR is not available yet');
      expect(done.error_message).toContain('no text layer');
      expect(done.error_message).not.toContain('must contain words');
      // The analysis never ran.
      expect(analyse?.status).toBe('PENDING');

      // The step's failure carries the code, not retried (one attempt).
      const history = await stack.client.workflow.getHandle(job.job_id).fetchHistory();
      const failures = (history.events ?? []).flatMap((e) =>
        e.activityTaskFailedEventAttributes?.failure ? [e.activityTaskFailedEventAttributes.failure] : [],
      );
      expect(failures.map((f) => f.applicationFailureInfo?.type)).toEqual(['PDF_NO_TEXT_LAYER']);
    },
  );
});
