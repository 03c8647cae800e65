import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JOB_WORKFLOW_TYPE,
  resolveValueRecord,
  WorkflowDefinition,
  type JobRecord,
  type JobWorkflowResult,
} from '@ordo/core';
import { toFileValue, type OrdoStore } from '@ordo/storage';
import { makePdf, pollUntil, uniqueTaskQueue } from '@ordo/testing';
import { TOOLS } from '@ordo/tools';
import { insertJob } from './insert-job';
import { startRunningWorker, type RunningWorker } from './running-worker';

const extractOnly = WorkflowDefinition.parse({
  workflow_id: 'wf_extract',
  name: 'Extract',
  input_variables: [
    { name: 'document', variable_id: 'doc', required: true, schema: { type: 'file', mime_types: ['application/pdf'] } },
  ],
  steps: [
    {
      step_id: 'extract',
      tool: { tool_id: 'pdf_extractor', name: 'PDF Text Extractor' },
      parameter_mappings: { input_file: 'doc', extraction_mode: 'full' },
      output_mappings: { extracted_text: 'text', page_count: 'pages' },
    },
  ],
});

const LARGE_PAGES = 800;
const SMALL_DOCUMENTS = 8;
const LARGE_DOCUMENTS = 4;

/**
 * Finding 1 of the hardening issue: pdf.js 5.4 kept the page count of the document it
 * opened last in a process-wide singleton (`PagesMapper`) and checked every `getPage` of
 * every open document against it, so a one-page document opened while a 300-page one was
 * being read made the large one fail with "Invalid page request." on its next page. Through
 * the real activities on the real dev server: large and small documents extracted at once
 * all succeed on their first attempt, each with its own text.
 */
describe('PDF extraction under concurrency', () => {
  let store: OrdoStore;
  let client: Client;
  let running: RunningWorker;
  const taskQueue = uniqueTaskQueue('concurrent-pdf');

  beforeAll(async () => {
    running = await startRunningWorker({
      name: 'concurrent-pdf',
      taskQueue,
      tools: TOOLS,
    });
    ({ store, client } = running);
  });

  afterAll(async () => {
    await running.stop();
  });

  it(`extracts ${LARGE_DOCUMENTS} large and ${SMALL_DOCUMENTS} small PDFs at once, every one on its first attempt`, async () => {
    const large = await makePdf(
      Array.from({ length: LARGE_PAGES }, (_, p) =>
        Array.from({ length: 30 }, (_, l) => `Large page ${p + 1} line ${l + 1}: revenue grew 5% to $10.5 million.`),
      ),
    );
    const documents = [
      ...Array.from({ length: LARGE_DOCUMENTS }, (_, i) => ({
        name: `large-${i}.pdf`,
        bytes: large,
        pages: LARGE_PAGES,
        last: `Large page ${LARGE_PAGES} line 30`,
      })),
      ...(await Promise.all(
        Array.from({ length: SMALL_DOCUMENTS }, async (_, i) => ({
          name: `small-${i}.pdf`,
          bytes: await makePdf([[`Small document ${i}.`]]),
          pages: 1,
          last: `Small document ${i}.`,
        })),
      )),
    ];
    const jobs = await Promise.all(
      documents.map(async (doc) => {
        const file = await store.files.save(
          { name: doc.name, mime_type: 'application/pdf', bytes: doc.bytes },
          new Date().toISOString(),
        );
        return { doc, job: await insertJob(store, extractOnly, { doc: toFileValue(file) }) };
      }),
    );
    const start = (job: JobRecord) =>
      client.workflow.start(JOB_WORKFLOW_TYPE, { workflowId: job.job_id, taskQueue, args: [{ job_id: job.job_id }] });
    // The large ones first; the small ones once a large one is being read, so they open while it reads its pages.
    const handles = await Promise.all(jobs.slice(0, LARGE_DOCUMENTS).map(({ job }) => start(job)));
    await pollUntil(
      async () =>
        Promise.all(
          jobs
            .slice(0, LARGE_DOCUMENTS)
            .map(async ({ job }) => (await store.jobs.getStored(job.job_id))?.run?.steps[0]?.progress ?? ''),
        ),
      (outputs) => outputs.some((o) => o.startsWith('Processing page')),
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    for (const { job } of jobs.slice(LARGE_DOCUMENTS)) handles.push(await start(job));
    const results = (await Promise.all(handles.map((h) => h.result()))) as JobWorkflowResult[];

    const outcomes = await Promise.all(
      jobs.map(async ({ doc, job }, i) => {
        const step = (await store.jobs.getStored(job.job_id))?.run?.steps[0];
        return {
          doc: doc.name,
          status: results[i]?.status,
          attempt: step?.attempt,
          pages: step?.outputs?.page_count,
          error: step?.error,
        };
      }),
    );
    expect(outcomes).toEqual(
      jobs.map(({ doc }) => ({ doc: doc.name, status: 'Completed', attempt: 1, pages: doc.pages, error: undefined })),
    );
    // Each job got its own document's text, down to its last line (large texts are stored by reference).
    for (const { doc, job } of jobs) {
      const { text } = await resolveValueRecord(
        { text: (await store.jobs.getStored(job.job_id))?.run?.variables.text ?? null },
        store.blobs,
      );
      expect(typeof text === 'string' && text.includes(doc.last), doc.name).toBe(true);
    }
  });
});
