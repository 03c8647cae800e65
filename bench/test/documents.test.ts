import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_DIR, loadCorpus, type CorpusDocument } from '../src/documents/corpus';
import { measureLarge, type LargeFigures } from '../src/documents/large-run';
import { corpusTotals, measureDocument, type DocumentFigures } from '../src/documents/measure';
import { formatOcr, measureOcr } from '../src/documents/ocr-run';
import { findPdftotext } from '../src/documents/pdftotext';
import { formatDocumentsReport } from '../src/documents/report';
import { DocumentToolRunner } from '../src/documents/tool-runner';

/**
 * The documents bench (`pnpm bench:documents`), tiny: two corpus files (a 3-page earnings
 * release with labelled metrics, the scan) through pdf_extractor, text_analyzer and
 * pdftotext once each, and a generated 10-page PDF. It checks the report's shape, not its
 * figures (those are the bench's to report).
 */
describe('the documents bench, tiny', () => {
  const runner = new DocumentToolRunner();
  const pdftotext = findPdftotext();
  let documents: DocumentFigures[];
  let large: LargeFigures;
  let corpus: CorpusDocument[];

  beforeAll(async () => {
    corpus = loadCorpus(DEFAULT_CORPUS_DIR, ['kroger-q2-2023-earnings-release', 'linnsequencer-brochure-scan']);
    documents = [];
    for (const doc of corpus) {
      documents.push(
        await measureDocument(doc, runner, { pdftotext: pdftotext.path, reps: 1, analysisLevel: 'basic' }),
      );
    }
    large = await measureLarge(runner, pdftotext.path, 10, 1);
  });
  afterAll(async () => {
    await runner.close();
  });

  it('scores a text PDF: phrases, metrics against the labels, a judged summary, times against pdftotext', () => {
    const kroger = documents.find((d) => d.name === 'kroger-q2-2023-earnings-release')!;
    expect(kroger.extraction.ok).toBe(true);
    expect(kroger.extraction.chars).toBeGreaterThan(0);
    expect(kroger.phrases.total).toBe(7);
    expect(kroger.pdftotext_phrases.total).toBe(7);
    expect(kroger.phrases.found + kroger.phrases.missing.length).toBe(7);
    expect(kroger.metrics.labelled).toBe(16);
    expect(kroger.metrics.reported).toBe(Object.keys(kroger.analysis.key_metrics).length);
    expect(kroger.metrics.verdicts.filter((v) => v.matched !== null)).toHaveLength(kroger.metrics.matched);
    // Each matched metric's page scored; pdf_extractor marks pages, so each has one.
    expect(kroger.metric_pages.matched).toBe(kroger.metrics.matched);
    expect(kroger.metric_pages.verdicts.every((v) => v.reported_page !== null)).toBe(true);
    expect(kroger.analysis.ok).toBe(true);
    expect(kroger.summary.sentences.length).toBeGreaterThan(0);
    expect(kroger.extraction.ms).toBeGreaterThan(0);
    expect(kroger.extraction.pdftotext_ms).toBeGreaterThan(0);
    expect(kroger.extraction.time_ratio).toBeGreaterThan(0);
  });

  it('reads a scan by OCR and analyses it; OCR speed and a fresh process peak memory are measured', async () => {
    const scan = documents.find((d) => d.name === 'linnsequencer-brochure-scan')!;
    expect(scan.has_text_layer).toBe(false);
    expect(scan.phrases.total).toBe(8);
    expect(scan.extraction.ok).toBe(true);
    expect(scan.extraction.note).toBe('Page 1 was read by OCR; recognised text may have errors.');
    expect(scan.analysis.ok).toBe(true);
    const ocr = await measureOcr(corpus, documents, 2);
    expect(ocr).toMatchObject({ documents: ['linnsequencer-brochure-scan'], pages: 1 });
    expect(ocr!.pages_per_second).toBeGreaterThan(0);
    expect(ocr!.peak_memory).toHaveLength(1);
    expect(ocr!.peak_memory[0]!.ok).toBe(true);
    expect(ocr!.generated.map((p) => [p.pages, p.ok])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(formatOcr(ocr)).toContain('1 scanned pages in');
  });

  it('totals the corpus and prints a row per document and a line per target', () => {
    const totals = corpusTotals(documents);
    expect(totals.text_phrase_recall.total).toBe(7);
    expect(totals.scan_phrase_recall.total).toBe(8);
    expect(totals.metric_recall.labelled).toBe(16);
    expect(totals.metric_page_accuracy.matched).toBe(totals.metric_recall.matched);
    expect(totals.boilerplate_summaries.of).toBe(2);
    expect(totals.extraction.pages).toBeGreaterThan(0);
    const table = formatDocumentsReport({
      date: new Date().toISOString(),
      commit: 'test',
      dirty: false,
      machine: { cores: 1, cpu: 'test', node: process.version, load_before: 0, load_after: 0 },
      pdftotext,
      options: { corpus: DEFAULT_CORPUS_DIR, reps: 1, analysis_level: 'basic', large_pages: 10, ocr_pages: 2 },
      documents,
      totals,
      large,
      corpus_max_rss_mib: 1,
      ocr: null,
    });
    for (const doc of documents) expect(table).toContain(doc.name);
    for (const line of [
      'phrase recall, text PDFs',
      'OCR phrase recall, scans',
      'key-metric precision',
      'key-metric recall',
      'key-metric pages',
      'OCR ',
    ]) {
      expect(table).toContain(line);
    }
    expect(table).toContain('extraction, 10 generated pages');
  });

  it('times a generated PDF against pdftotext and measures a fresh process peak memory at three sizes', () => {
    expect(large.ok).toBe(true);
    expect(large.pages).toBe(10);
    expect(large.peak_memory.map((p) => p.pages)).toEqual([1, 10, 40]);
    for (const peak of large.peak_memory) {
      expect(peak.ok).toBe(true);
      expect(peak.max_rss_mib).toBeGreaterThanOrEqual(peak.rss_before_mib);
    }
  });
});
