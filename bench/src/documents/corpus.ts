import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** `../shared/corpus` beside the repository (CI has `../shared` beside the clone). */
export const DEFAULT_CORPUS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  'shared',
  'corpus',
);

/** One key metric a reader finds in a corpus document (the corpus README, *Label format*). */
export const LabelledMetric = z.object({
  label: z.string(),
  value: z.string(),
  page: z.number().int().positive(),
  evidence: z.string(),
});
export type LabelledMetric = z.infer<typeof LabelledMetric>;

/** A corpus document's `*.labels.json`: a person's reading of the PDF beside it. */
export const DocumentLabels = z.object({
  pages: z.number().int().positive(),
  language: z.string(),
  has_text_layer: z.boolean(),
  kind: z.string(),
  must_contain: z.array(z.string()).min(1),
  key_metrics: z.array(LabelledMetric),
  summary_reference: z.string(),
  notes: z.string(),
});
export type DocumentLabels = z.infer<typeof DocumentLabels>;

/** A corpus PDF and its labels. */
export interface CorpusDocument {
  /** The file name without `.pdf`, e.g. `kroger-q2-2023-earnings-release`. */
  name: string;
  pdfPath: string;
  labels: DocumentLabels;
}

/** Every `X.pdf` with an `X.labels.json` in `dir`, by name; `only` keeps those named. */
export function loadCorpus(dir: string, only?: readonly string[]): CorpusDocument[] {
  if (!existsSync(dir)) throw new Error(`no corpus at ${dir} (pass --corpus <dir>)`);
  const names = readdirSync(dir)
    .filter((file) => file.endsWith('.labels.json'))
    .map((file) => file.slice(0, -'.labels.json'.length))
    .filter((name) => only === undefined || only.includes(name))
    .sort();
  const missing = (only ?? []).filter((name) => !names.includes(name));
  if (missing.length > 0) throw new Error(`not in the corpus: ${missing.join(', ')}`);
  return names.map((name) => ({
    name,
    pdfPath: join(dir, `${name}.pdf`),
    labels: DocumentLabels.parse(JSON.parse(readFileSync(join(dir, `${name}.labels.json`), 'utf8'))),
  }));
}
