import type { LabelledMetric } from './corpus';
import type { MetricVerdict } from './metric-match';

/** What text_analyzer says about one key metric beside its value (`key_metric_evidence`): its page, null when it cannot tell. */
export type ReportedEvidence = { page: number | null };

/** A matched key metric's page: the labelled one and the one the analyser reported (null: none). */
export interface PageVerdict {
  label: string;
  labelled_page: number;
  reported_page: number | null;
  right: boolean;
}

/** The pages of a document's matched key metrics: how many the analyser put on their labelled page. */
export interface MetricPages {
  matched: number;
  right: number;
  verdicts: PageVerdict[];
}

/**
 * Scores the page of each matched key metric (`matchMetrics`' verdicts): the labelled metric's
 * `page` (the PDF's physical page, 1-based) against the page `key_metric_evidence` reports for
 * the analyser's label, which it reads from pdf_extractor's form feeds. A metric reported
 * without a page (null) is wrong: the labelled metric has one. Unmatched metrics are not scored
 * (their value or label is already wrong).
 */
export function scoreMetricPages(
  verdicts: readonly MetricVerdict[],
  labelled: readonly LabelledMetric[],
  evidence: Readonly<Record<string, ReportedEvidence | undefined>>,
): MetricPages {
  const scored = verdicts.flatMap((verdict): PageVerdict[] => {
    const metric = labelled.find((m) => m.label === verdict.matched);
    if (verdict.matched === null || metric === undefined) return [];
    const reported = evidence[verdict.label]?.page ?? null;
    return [
      { label: verdict.label, labelled_page: metric.page, reported_page: reported, right: reported === metric.page },
    ];
  });
  return { matched: scored.length, right: scored.filter((v) => v.right).length, verdicts: scored };
}
