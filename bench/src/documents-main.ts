import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_CORPUS_DIR, loadCorpus } from './documents/corpus';
import { measureLarge } from './documents/large-run';
import { corpusTotals, measureDocument, type DocumentFigures } from './documents/measure';
import { measureOcr } from './documents/ocr-run';
import { findPdftotext } from './documents/pdftotext';
import { formatDocumentsReport, type DocumentsReport } from './documents/report';
import { DocumentToolRunner } from './documents/tool-runner';
import { integerFlag } from './flags';
import { checkout } from './git';
import { machineInfo } from './machine';
import { writeResults } from './results';

/*
 * pnpm bench:documents: every labelled corpus PDF through seed 002's two steps (pdf_extractor,
 * then text_analyzer, as the worker runs them) and through poppler's pdftotext, scored against
 * the labels; then a generated long PDF for speed and memory. See bench/README.md.
 */
const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: DEFAULT_CORPUS_DIR },
    only: { type: 'string' },
    reps: { type: 'string', default: '3' },
    'large-pages': { type: 'string', default: '1000' },
    'ocr-pages': { type: 'string', default: '10' },
    level: { type: 'string', default: 'basic' },
    'no-write': { type: 'boolean', default: false },
  },
});
const level = values.level;
if (level !== 'basic' && level !== 'detailed' && level !== 'comprehensive') {
  throw new Error(`--level must be basic, detailed or comprehensive, got '${level}'`);
}
const reps = integerFlag('reps', values.reps, 1);
const largePages = integerFlag('large-pages', values['large-pages'], 0);
const ocrPages = integerFlag('ocr-pages', values['ocr-pages'], 0);
const corpus = loadCorpus(values.corpus, values.only?.split(','));
const pdftotext = findPdftotext();
const date = new Date().toISOString();
const loadBefore = loadavg()[0]!;
const log = (line: string): void => console.error(`documents: ${line}`);

const runner = new DocumentToolRunner();
try {
  // The tool thread loads pdf.js on its first run (about a second): not a document's time.
  await runner.extract(readFileSync(corpus[0]!.pdfPath), 'warm-up.pdf');
  const documents: DocumentFigures[] = [];
  for (const doc of corpus) {
    log(`${doc.name} (${doc.labels.pages} pages)`);
    documents.push(await measureDocument(doc, runner, { pdftotext: pdftotext.path, reps, analysisLevel: level }));
  }
  const corpusMaxRss = process.resourceUsage().maxRSS / 1024;
  if (largePages > 0) log(`a generated PDF of ${largePages} pages`);
  const large = largePages > 0 ? await measureLarge(runner, pdftotext.path, largePages, reps) : null;
  log(`OCR peak memory: the scans and generated scans of 1 and ${ocrPages} pages, each in a fresh process`);
  const ocr = await measureOcr(corpus, documents, ocrPages);
  const report: DocumentsReport = {
    date,
    ...checkout(),
    machine: { ...machineInfo(), load_before: loadBefore, load_after: loadavg()[0]! },
    pdftotext,
    options: { corpus: values.corpus, reps, analysis_level: level, large_pages: largePages, ocr_pages: ocrPages },
    documents,
    totals: corpusTotals(documents),
    large,
    corpus_max_rss_mib: Number(corpusMaxRss.toFixed(1)),
    ocr,
  };
  console.log(formatDocumentsReport(report));
  if (!values['no-write']) log(`wrote ${writeResults('documents-latest', date, report)}`);
} finally {
  await runner.close();
}
