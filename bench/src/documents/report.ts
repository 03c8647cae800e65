import type { LargeFigures } from './large-run';
import { formatOcr, type OcrFigures } from './ocr-run';
import type { CorpusTotals, DocumentFigures } from './measure';

/** What `pnpm bench:documents` writes to results/documents-latest.json and prints. */
export interface DocumentsReport {
  date: string;
  commit: string;
  dirty: boolean;
  machine: { cores: number; cpu: string; node: string; load_before: number; load_after: number };
  pdftotext: { path: string; version: string };
  options: { corpus: string; reps: number; analysis_level: string; large_pages: number; ocr_pages: number };
  documents: DocumentFigures[];
  totals: CorpusTotals;
  large: LargeFigures | null;
  /** Peak resident memory of the bench's process after the corpus: the activity layer and the tool threads, as in the worker. */
  corpus_max_rss_mib: number;
  /** OCR on the scans: pages per second and the worker's peak memory. */
  ocr: OcrFigures | null;
}

const pad = (value: unknown, width: number): string => String(value).padEnd(width);
const padLeft = (value: unknown, width: number): string => String(value).padStart(width);
const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');

function summaryCell(doc: DocumentFigures): string {
  if (doc.analysis.ok !== true) return doc.analysis.ok === 'not_run' ? 'not run' : 'failed';
  if (doc.summary.wholeText) return 'WHOLE TEXT';
  if (doc.summary.silent) return 'ok (silent)';
  const flagged = doc.summary.sentences.filter((s) => s.reasons.some((r) => r !== 'off_topic')).length;
  const verdict = doc.summary.boilerplate ? 'BOILERPLATE' : doc.summary.offTopic ? 'off topic' : 'ok';
  return `${verdict} ${flagged}/${doc.summary.sentences.length}`;
}

/** The run as a table: a row per document, then the totals against the issue's targets. */
export function formatDocumentsReport(report: DocumentsReport): string {
  const header = [
    pad('document', 46),
    pad('kind', 9),
    pad('lang', 4),
    padLeft('pages', 5),
    padLeft('phrases', 8),
    padLeft('pdftotext', 9),
    padLeft('metrics rep/lab/ok', 19),
    padLeft('page', 5),
    '  ',
    pad('summary', 15),
    padLeft('ms', 8),
    padLeft('pdftotext', 9),
    padLeft('ratio', 6),
    padLeft('pages/s', 8),
  ].join(' ');
  const rows = report.documents.map((d) =>
    [
      pad(d.name, 46),
      pad(d.kind, 9),
      pad(d.language, 4),
      padLeft(d.pages, 5),
      padLeft(`${d.phrases.found}/${d.phrases.total}`, 8),
      padLeft(`${d.pdftotext_phrases.found}/${d.pdftotext_phrases.total}`, 9),
      padLeft(`${d.metrics.reported}/${d.metrics.labelled}/${d.metrics.matched}`, 19),
      padLeft(d.metric_pages.matched === 0 ? '-' : `${d.metric_pages.right}/${d.metric_pages.matched}`, 5),
      '  ',
      pad(summaryCell(d), 15),
      padLeft(d.extraction.ok ? d.extraction.ms : 'failed', 8),
      padLeft(d.extraction.pdftotext_ms, 9),
      padLeft(d.extraction.time_ratio, 6),
      padLeft(d.extraction.pages_per_second, 8),
    ].join(' '),
  );
  const t = report.totals;
  const fmt = (n: number | null): string => (n === null ? '-' : String(n));
  const lines = [
    header,
    ...rows,
    '',
    `phrase recall, text PDFs          ${t.text_phrase_recall.recall} (${t.text_phrase_recall.found}/${t.text_phrase_recall.total}); pdftotext ${t.pdftotext_text_phrase_recall.recall}   target >= 0.98  ${verdict(t.text_phrase_recall.recall >= 0.98)}`,
    `OCR phrase recall, scans          ${fmt(t.scan_phrase_recall.recall)} (${t.scan_phrase_recall.found}/${t.scan_phrase_recall.total})   target >= 0.9  ${verdict((t.scan_phrase_recall.recall ?? 0) >= 0.9)}`,
    `key-metric precision              ${fmt(t.metric_precision.precision)} (${t.metric_precision.matched}/${t.metric_precision.reported})   target >= 0.95  ${verdict((t.metric_precision.precision ?? 0) >= 0.95)}`,
    `key-metric recall                 ${fmt(t.metric_recall.recall)} (${t.metric_recall.matched}/${t.metric_recall.labelled})   target >= 0.8  ${verdict((t.metric_recall.recall ?? 0) >= 0.8)}`,
    `key-metric pages, matched ones    ${fmt(t.metric_page_accuracy.accuracy)} (${t.metric_page_accuracy.right}/${t.metric_page_accuracy.matched} on their labelled page)`,
    `metrics on documents with none    ${t.metrics_on_documents_with_none.count} on ${Object.keys(t.metrics_on_documents_with_none.documents).length} documents   target 0  ${verdict(t.metrics_on_documents_with_none.count === 0)}`,
    `boilerplate summaries             ${t.boilerplate_summaries.count} of ${t.boilerplate_summaries.of}   target 0  ${verdict(t.boilerplate_summaries.count === 0)}`,
    `summaries off topic, left empty   ${t.off_topic_summaries.count} off topic (${t.off_topic_summaries.documents.join(', ') || 'none'}); ${t.silent_summaries.count} empty where no sentence qualifies (${t.silent_summaries.documents.join(', ') || 'none'})`,
    `extraction, corpus                ${t.extraction.ms} ms vs pdftotext ${t.extraction.pdftotext_ms} ms: ratio ${t.extraction.time_ratio}; ${t.extraction.pages_per_second} vs ${t.extraction.pdftotext_pages_per_second} pages/s   target ratio <= 2  ${verdict(t.extraction.time_ratio <= 2)}`,
  ];
  const large = report.large;
  if (large !== null) {
    lines.push(
      `extraction, ${large.pages} generated pages  ${large.ms} ms vs pdftotext ${large.pdftotext_ms} ms: ratio ${large.time_ratio}; ${large.pages_per_second} vs ${large.pdftotext_pages_per_second} pages/s   target ratio <= 2  ${verdict(large.ok && large.time_ratio <= 2)}`,
      `peak memory, fresh process         ${large.peak_memory.map((p) => `${p.pages} pages ${p.ok ? '' : '(the run failed) '}${p.max_rss_mib} MiB (${p.rss_before_mib} at start, ${p.ms} ms)`).join('; ')}`,
    );
  }
  lines.push(
    `peak memory, bench process        ${report.corpus_max_rss_mib} MiB after the corpus`,
    `OCR                               ${formatOcr(report.ocr)}`,
  );
  if (t.failed_steps.length > 0) {
    lines.push('', 'failed steps:');
    for (const f of t.failed_steps) lines.push(`  ${f.document}: ${f.step} ${f.code}: ${f.message}`);
  }
  return lines.join('\n');
}
