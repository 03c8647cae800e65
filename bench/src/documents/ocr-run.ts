import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedPdf } from '@ordo/tools/fixtures';
import type { CorpusDocument } from './corpus';
import { peakMemory, type PeakMemory } from './large-run';
import type { DocumentFigures } from './measure';

/** OCR's figures on the corpus's scans: speed from their pdf_extractor runs, memory in a fresh process. */
export interface OcrFigures {
  documents: string[];
  pages: number;
  /** pdf_extractor's time on the scans (medians of the repetitions, summed): rendering and Tesseract. */
  ms: number;
  pages_per_second: number;
  /** Each scan extracted in a process of its own (main thread, tool thread, Tesseract's thread): the worker's peak RSS for it. */
  peak_memory: (PeakMemory & { document: string })[];
  /**
   * Generated scans (`generatedPdf`: two lines of text per page image) of 1 page and of
   * `--ocr-pages`, each in a fresh process: does memory grow with the pages read by OCR?
   */
  generated: PeakMemory[];
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

/**
 * The OCR figures of the documents without a text layer (their phrase recall is in the corpus
 * totals), or null when the corpus has none or OCR failed on every one.
 */
export async function measureOcr(
  corpus: readonly CorpusDocument[],
  documents: readonly DocumentFigures[],
  generatedPages: number,
): Promise<OcrFigures | null> {
  const scans = documents.filter((d) => !d.has_text_layer && d.extraction.ok);
  if (scans.length === 0) return null;
  const pages = scans.reduce((sum, d) => sum + d.pages, 0);
  const ms = scans.reduce((sum, d) => sum + d.extraction.ms, 0);
  const peaks: OcrFigures['peak_memory'] = [];
  for (const scan of scans) {
    const path = corpus.find((doc) => doc.name === scan.name)!.pdfPath;
    peaks.push({ document: scan.name, ...(await peakMemory(path, scan.pages)) });
  }
  return {
    documents: scans.map((d) => d.name),
    pages,
    ms: round(ms),
    pages_per_second: round(pages / (ms / 1000), 2),
    peak_memory: peaks,
    generated: generatedPages > 0 ? [await generatedScan(1), await generatedScan(generatedPages)] : [],
  };
}

/** A generated scan of `pages` pages extracted in a fresh process. */
async function generatedScan(pages: number): Promise<PeakMemory> {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-bench-ocr-'));
  try {
    const path = join(dir, `scan-${pages}-pages.pdf`);
    const lines = (page: number) => [
      `Generated scan, page ${page} of ${pages}`,
      'Container traffic at the northern terminal grew steadily this year.',
    ];
    writeFileSync(path, await generatedPdf(Array.from({ length: pages }, (_, i) => ({ scanned: lines(i + 1) }))));
    return await peakMemory(path, pages);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The report's OCR line. */
export function formatOcr(ocr: OcrFigures | null): string {
  if (ocr === null) return 'no scan was read (none in the corpus, or OCR failed: see failed steps)';
  const peaks = ocr.peak_memory
    .map((p) => `${p.document} ${p.max_rss_mib} MiB (${p.rss_before_mib} at start, ${p.ms} ms, CPU ${p.cpu_ms} ms)`)
    .join('; ');
  const generated = ocr.generated
    .map(
      (p) =>
        `${p.pages} pages ${p.max_rss_mib} MiB (${p.ms} ms: ${round(p.pages / (p.ms / 1000), 2)} pages/s; CPU ${p.cpu_ms} ms)`,
    )
    .join('; ');
  return (
    `${ocr.pages} scanned pages in ${ocr.ms} ms: ${ocr.pages_per_second} pages/s; peak memory, fresh process: ${peaks}` +
    (generated === '' ? '' : `; generated scans, fresh process: ${generated}`)
  );
}
