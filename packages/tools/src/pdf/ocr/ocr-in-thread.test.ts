import { CancelledFailure } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedPdf } from '../../../fixtures/pdf-fixtures';
import { memoryFiles } from '../../testing-context';
import { runTool } from '../../testing/run-tool';
import { ToolThreads } from '../../threads/tool-threads';
import { pdfExtractor } from '../pdf-extractor';

// As the worker runs it: pdf_extractor in its thread (1 GiB heap cap), Tesseract in a thread
// of that thread.
const threads = new ToolThreads({ maxThreads: 1 });
afterAll(() => threads.close());

const files = memoryFiles({
  scans: {
    bytes: await generatedPdf([
      { scanned: ['Harbour tariff schedule for container vessels.'] },
      { scanned: ['Second page of the harbour schedule.'] },
      { scanned: ['Third page of the harbour schedule.'] },
    ]),
    name: 'scans.pdf',
  },
});
const input = { input_file: { file_id: 'scans', name: 'scans.pdf' } };

describe('pdf_extractor OCR in its tool thread', { timeout: 300_000 }, () => {
  it('reads scanned pages, its page progress reaching the attempt as heartbeats', async () => {
    const heartbeats: unknown[] = [];
    const outputs = await runTool(
      pdfExtractor,
      { ...input, pages: '1', extraction_mode: 'pages' },
      {
        threads,
        files,
        heartbeat: (details) => heartbeats.push(details),
      },
    );
    expect((outputs.extracted_text as string).replace(/\s+/g, ' ')).toContain(
      'Harbour tariff schedule for container vessels.',
    );
    expect(outputs.ocr_pages).toEqual([1]);
    expect(heartbeats).toContainEqual({ message: 'OCR page 1 of 3', fraction: 1 });
  });

  it('stops on cancel during OCR, and the next run works', async () => {
    const controller = new AbortController();
    const error = await runTool(pdfExtractor, input, {
      threads,
      files,
      signal: controller.signal,
      heartbeat: (details) => {
        if ((details as { message?: string }).message === 'OCR page 2 of 3') {
          controller.abort(new CancelledFailure('Activity cancelled'));
        }
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledFailure);
    // The stopped tool thread takes its Tesseract thread with it (Node ends a worker's own workers).
    const again = await runTool(pdfExtractor, { ...input, pages: '3', extraction_mode: 'pages' }, { threads, files });
    expect(again.ocr_pages).toEqual([3]);
  });
});
