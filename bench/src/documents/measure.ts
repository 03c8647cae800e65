import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { judgeSummary, type SummaryVerdict } from './boilerplate';
import type { CorpusDocument } from './corpus';
import { matchMetrics, type MetricVerdict } from './metric-match';
import { scoreMetricPages, type MetricPages, type ReportedEvidence } from './metric-pages';
import { phraseRecall } from './phrases';
import { runPdftotext } from './pdftotext';
import type { DocumentToolRunner, ToolRun } from './tool-runner';

/** What one corpus document gave. Times are medians of the repetitions, in ms. */
export interface DocumentFigures {
  name: string;
  kind: string;
  language: string;
  pages: number;
  has_text_layer: boolean;
  extraction: {
    ok: boolean;
    /** The failure's code and message when the step failed. */
    error?: { code: string; message: string };
    chars: number;
    note?: string;
    ms: number;
    pdftotext_ms: number;
    /** Ordo's time / pdftotext's: 2 or less is at least half of pdftotext's speed. */
    time_ratio: number;
    pages_per_second: number;
  };
  /** The label's `must_contain` phrases in pdf_extractor's text (OCR's, on a scan). */
  phrases: { found: number; total: number; missing: string[] };
  /** The same phrases in pdftotext's text: what a reference extractor finds. */
  pdftotext_phrases: { found: number; total: number; missing: string[] };
  analysis: {
    /** `not_run` when there was no text to analyse (the extraction failed). */
    ok: boolean | 'not_run';
    error?: { code: string; message: string };
    ms: number;
    summary: string;
    key_metrics: Record<string, string>;
  };
  metrics: { labelled: number; reported: number; matched: number; verdicts: MetricVerdict[] };
  /** The matched metrics' pages: the labelled page against the one `key_metric_evidence` reports. */
  metric_pages: MetricPages;
  summary: SummaryVerdict;
}

/** How `measureDocuments` runs. */
export interface MeasureOptions {
  pdftotext: string;
  /** Timed extractions per file, each side; the median is kept. */
  reps: number;
  analysisLevel: 'basic' | 'detailed' | 'comprehensive';
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

function failure(run: ToolRun): { code: string; message: string } | undefined {
  return run.ok ? undefined : { code: run.code, message: run.message };
}

/**
 * Runs one corpus document through seed 002's two steps (`DocumentToolRunner`) and
 * pdftotext, `reps` times each side in turn for the times, and scores the first run's
 * text and analysis against the document's labels.
 */
export async function measureDocument(
  doc: CorpusDocument,
  runner: DocumentToolRunner,
  options: MeasureOptions,
): Promise<DocumentFigures> {
  const bytes = readFileSync(doc.pdfPath);
  const runs: ToolRun[] = [];
  const reference: { text: string; ms: number }[] = [];
  for (let i = 0; i < options.reps; i++) {
    runs.push(await runner.extract(bytes, basename(doc.pdfPath)));
    reference.push(await runPdftotext(options.pdftotext, doc.pdfPath));
  }
  const first = runs[0]!;
  const outputs = first.ok ? (first.outputs as { extracted_text: string; note?: string }) : undefined;
  const text = outputs?.extracted_text ?? '';
  const ms = median(runs.map((r) => r.ms));
  const pdftotextMs = median(reference.map((r) => r.ms));
  const pdftotextText = reference[0]!.text;

  const analysed = first.ok ? await runner.analyze(text, options.analysisLevel) : undefined;
  const results = analysed?.ok
    ? (
        analysed.outputs as {
          analysis_results: {
            summary: string;
            key_metrics: Record<string, string>;
            key_metric_evidence?: Record<string, ReportedEvidence>;
          };
        }
      ).analysis_results
    : undefined;
  const summary = results?.summary ?? '';
  const keyMetrics = results?.key_metrics ?? {};
  const metrics = matchMetrics(keyMetrics, doc.labels.key_metrics);
  const { language } = doc.labels;

  return {
    name: doc.name,
    kind: doc.labels.kind,
    language,
    pages: doc.labels.pages,
    has_text_layer: doc.labels.has_text_layer,
    extraction: {
      ok: first.ok,
      ...(failure(first) && { error: failure(first) }),
      chars: text.length,
      ...(outputs?.note !== undefined && { note: outputs.note }),
      ms: round(ms),
      pdftotext_ms: round(pdftotextMs),
      time_ratio: round(ms / pdftotextMs, 2),
      pages_per_second: round(doc.labels.pages / (ms / 1000)),
    },
    phrases: phraseRecall(text, doc.labels.must_contain, language),
    pdftotext_phrases: phraseRecall(pdftotextText, doc.labels.must_contain, language),
    analysis: {
      ok: analysed === undefined ? 'not_run' : analysed.ok,
      ...(analysed !== undefined && failure(analysed) && { error: failure(analysed) }),
      ms: round(analysed?.ms ?? 0),
      summary,
      key_metrics: keyMetrics,
    },
    metrics,
    metric_pages: scoreMetricPages(metrics.verdicts, doc.labels.key_metrics, results?.key_metric_evidence ?? {}),
    summary: judgeSummary(summary, {
      text,
      pages: pdftotextText.split('\f'),
      language,
      reference: [doc.labels.summary_reference, ...doc.labels.must_contain].join(' '),
    }),
  };
}

/** The corpus in total: the issue's targets' figures. */
export interface CorpusTotals {
  /** Phrases found / phrases, over the documents with a text layer. Target 0.98. */
  text_phrase_recall: { found: number; total: number; recall: number };
  pdftotext_text_phrase_recall: { found: number; total: number; recall: number };
  /** The same over the scans (no text layer): OCR's recall. Target 0.9. */
  scan_phrase_recall: { found: number; total: number; recall: number | null };
  /** Reported key metrics that match a labelled one / reported, over every document. Target 0.95. */
  metric_precision: { matched: number; reported: number; precision: number | null };
  /** Labelled key metrics matched / labelled. Target 0.8. */
  metric_recall: { matched: number; labelled: number; recall: number | null };
  /** Matched key metrics reported on their labelled page / matched (the issue: each metric with its evidence "and the page"). */
  metric_page_accuracy: { right: number; matched: number; accuracy: number | null };
  /** Metrics reported on documents labelled with none (target: none at all), by document. */
  metrics_on_documents_with_none: { count: number; documents: Record<string, number> };
  boilerplate_summaries: { count: number; of: number; documents: string[] };
  /** Summaries half of whose sentences share no word with the label's description: not boilerplate, but reported. */
  off_topic_summaries: { count: number; documents: string[] };
  /** Empty summaries of texts with no sentence to quote (not boilerplate: saying less is right). */
  silent_summaries: { count: number; documents: string[] };
  failed_steps: { document: string; step: 'pdf_extractor' | 'text_analyzer'; code: string; message: string }[];
  /** Sums over the documents whose extraction completed. */
  extraction: {
    pages: number;
    ms: number;
    pdftotext_ms: number;
    time_ratio: number;
    pages_per_second: number;
    pdftotext_pages_per_second: number;
  };
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : round(a / b, 3));

/** Adds up the documents' figures. */
export function corpusTotals(docs: readonly DocumentFigures[]): CorpusTotals {
  const sum = (list: readonly DocumentFigures[], pick: (d: DocumentFigures) => number): number =>
    list.reduce((total, d) => total + pick(d), 0);
  const text = docs.filter((d) => d.has_text_layer);
  const scans = docs.filter((d) => !d.has_text_layer);
  const none = docs.filter((d) => d.metrics.labelled === 0 && d.metrics.reported > 0);
  // Text extraction's speed: a scan's time is OCR's, reported on its own (ocr-run.ts).
  const extracted = docs.filter((d) => d.extraction.ok && d.has_text_layer);
  const pages = sum(extracted, (d) => d.pages);
  const ms = sum(extracted, (d) => d.extraction.ms);
  const pdftotextMs = sum(extracted, (d) => d.extraction.pdftotext_ms);
  const matched = sum(docs, (d) => d.metrics.matched);
  const reported = sum(docs, (d) => d.metrics.reported);
  const labelled = sum(docs, (d) => d.metrics.labelled);
  const recall = (list: readonly DocumentFigures[], pick: (d: DocumentFigures) => { found: number; total: number }) => {
    const found = sum(list, (d) => pick(d).found);
    const total = sum(list, (d) => pick(d).total);
    return { found, total, recall: ratio(found, total) };
  };
  const textRecall = recall(text, (d) => d.phrases);
  const pdftotextRecall = recall(text, (d) => d.pdftotext_phrases);
  return {
    text_phrase_recall: { ...textRecall, recall: textRecall.recall ?? 0 },
    pdftotext_text_phrase_recall: { ...pdftotextRecall, recall: pdftotextRecall.recall ?? 0 },
    scan_phrase_recall: recall(scans, (d) => d.phrases),
    metric_precision: { matched, reported, precision: ratio(matched, reported) },
    metric_recall: { matched, labelled, recall: ratio(matched, labelled) },
    metric_page_accuracy: {
      right: sum(docs, (d) => d.metric_pages.right),
      matched: sum(docs, (d) => d.metric_pages.matched),
      accuracy: ratio(
        sum(docs, (d) => d.metric_pages.right),
        sum(docs, (d) => d.metric_pages.matched),
      ),
    },
    metrics_on_documents_with_none: {
      count: sum(none, (d) => d.metrics.reported),
      documents: Object.fromEntries(none.map((d) => [d.name, d.metrics.reported])),
    },
    boilerplate_summaries: {
      count: docs.filter((d) => d.summary.boilerplate).length,
      of: docs.length,
      documents: docs.filter((d) => d.summary.boilerplate).map((d) => d.name),
    },
    off_topic_summaries: {
      count: docs.filter((d) => d.summary.offTopic).length,
      documents: docs.filter((d) => d.summary.offTopic).map((d) => d.name),
    },
    silent_summaries: {
      count: docs.filter((d) => d.summary.silent).length,
      documents: docs.filter((d) => d.summary.silent).map((d) => d.name),
    },
    failed_steps: docs.flatMap((d) => [
      ...(d.extraction.error ? [{ document: d.name, step: 'pdf_extractor' as const, ...d.extraction.error }] : []),
      ...(d.analysis.error ? [{ document: d.name, step: 'text_analyzer' as const, ...d.analysis.error }] : []),
    ]),
    extraction: {
      pages,
      ms: round(ms),
      pdftotext_ms: round(pdftotextMs),
      time_ratio: round(ms / pdftotextMs, 2),
      pages_per_second: round(pages / (ms / 1000)),
      pdftotext_pages_per_second: round(pages / (pdftotextMs / 1000)),
    },
  };
}
