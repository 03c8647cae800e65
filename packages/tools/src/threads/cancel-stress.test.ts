import { CancelledFailure } from '@temporalio/common';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { makePdf } from '@ordo/testing';
import { pdfExtractor } from '../pdf/pdf-extractor';
import { memoryFiles } from '../testing-context';
import { runTool } from '../testing/run-tool';
import { ToolThreads } from './tool-threads';

/*
 * Cancelling heavy tool runs many times, at random moments, in one process. When a cancel
 * terminated the thread, a thread terminated while pdf.js was making a DecompressionStream
 * (one per content stream: a page with 40 streams makes 40 at once) aborted the whole
 * process in Node 20 (`node_zlib.cc: Assertion failed: init_done_ && "close before init"`):
 * vitest then reports this file's worker lost. Cancels now stop the run cooperatively.
 */

const CANCELS = 40;
const PAGES = 150;
const STREAMS_PER_PAGE = 40;

const threads = new ToolThreads({ maxThreads: 2 });
afterAll(() => threads.close());

describe('cancelling many-page PDF extractions again and again', () => {
  it(`survives ${CANCELS} cancels at random moments; the threads work after`, { timeout: 600_000 }, async () => {
    const long = await makePdf(
      Array.from({ length: PAGES }, (_, page) =>
        Array.from({ length: STREAMS_PER_PAGE }, (_, line) => `Page ${page + 1}, line ${line + 1} of the report.`),
      ),
      { streamPerLine: true },
    );
    const short = await makePdf([['Revenue grew 12% to $4.2 million in the quarter.']]);
    const files = memoryFiles({ long: { bytes: long, name: 'long.pdf' }, short: { bytes: short, name: 'short.pdf' } });

    /** One extraction of the long PDF, cancelled `delayMs` after its first page (or after its start). */
    const cancelledRun = (delayMs: number, afterFirstPage: boolean): Promise<'cancelled' | 'completed'> => {
      const controller = new AbortController();
      const cancel = (): void =>
        void setTimeout(() => controller.abort(new CancelledFailure('Activity cancelled')), delayMs);
      let pageSeen = false;
      if (!afterFirstPage) cancel();
      return runTool(
        pdfExtractor,
        { input_file: { file_id: 'long', name: 'long.pdf' } },
        {
          threads,
          files,
          signal: controller.signal,
          heartbeat: (details) => {
            if (afterFirstPage && !pageSeen && JSON.stringify(details ?? null).includes('Processing page')) {
              pageSeen = true;
              cancel();
            }
          },
        },
      ).then(
        () => 'completed' as const,
        (err: unknown) => {
          if (err instanceof CancelledFailure) return 'cancelled' as const;
          throw err;
        },
      );
    };

    // How long one whole extraction takes here and now (a quiet machine reads the document in
    // well under the 2 s a cancel used to wait at most, so runs completed before their cancel):
    // the random moments are drawn within it.
    // Measured warm (the first run also loads pdf.js into the thread), the fastest of two.
    let wholeMs = Infinity;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      await runTool(pdfExtractor, { input_file: { file_id: 'long', name: 'long.pdf' } }, { threads, files });
      if (run > 0) wholeMs = Math.min(wholeMs, performance.now() - started);
    }

    const outcomes: string[] = [];
    // Two at a time (the pool's size), each cancelled at its own random moment: while its
    // thread starts, between pages, inside a page's reading.
    for (let i = 0; i < CANCELS; i += 2) {
      outcomes.push(
        ...(await Promise.all([
          cancelledRun(Math.random() * Math.min(300, wholeMs * 0.3), true),
          cancelledRun(Math.random() * Math.min(2_000, wholeMs * 0.5), i % 4 === 0),
        ])),
      );
    }
    expect(outcomes.filter((o) => o === 'cancelled').length).toBeGreaterThanOrEqual(CANCELS * 0.75);

    // The process is alive; every thread let go of its cancelled run, and they still work.
    await vi.waitFor(() => expect(threads.busy).toBe(0), { timeout: 60_000 });
    const outputs = await runTool(
      pdfExtractor,
      { input_file: { file_id: 'short', name: 'short.pdf' } },
      { threads, files },
    );
    expect(outputs.extracted_text).toContain('Revenue grew 12%');
  });
});
