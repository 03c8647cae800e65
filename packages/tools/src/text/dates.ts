import * as chrono from 'chrono-node';

/** A calendar date stated in a sentence. */
export interface DateFigure {
  /** What the date is of, from a word before it ("payable on ..." is a payment_date); `date` when none is near. */
  label: string;
  /** ISO 8601: "2024-03-15", or "2024-03" when the text names only the month. */
  value: string;
  /** As written in the text. */
  text: string;
  /** Index of the sentence it was found in. */
  sentence: number;
}

// chrono is thorough but not cheap: only sentences that could hold a date are parsed
// (a month name, or digits with date separators), which keeps a 3 MB text fast.
const MAYBE_DATE =
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d|\d\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)|\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b/iu;

// chrono resolves a date without a year against a reference date (today by default); only
// dates that state their year are kept, and this fixed reference keeps the result the same
// on every run.
const REFERENCE = new Date(Date.UTC(2000, 0, 1));

// The label of a date comes from the nearest of these words in the few words before it.
const DATE_KEYWORDS = [
  { label: 'period_end', pattern: '(?:period|quarter|year|month)[- ]end(?:ed|ing)?|ended|ending|as (?:of|at)' },
  { label: 'payment_date', pattern: 'payable|paid|payment|pay' },
  { label: 'meeting_date', pattern: 'meeting|met|convene[sd]?' },
  { label: 'effective_date', pattern: 'effective' },
  { label: 'due_date', pattern: 'due|deadline|no later than' },
  { label: 'publication_date', pattern: 'published|dated|issued|released' },
  { label: 'start_date', pattern: 'starts?|started|starting|begins?|began|launch(?:es|ed)?|opens?|opened|opening' },
  { label: 'completion_date', pattern: 'complete[sd]?|completion|closes?|closed|closing' },
].map(({ label, pattern }) => ({
  label,
  pattern: new RegExp(String.raw`(?<![\p{L}])(?:${pattern})(?![\p{L}])`, 'giu'),
}));
const LABEL_WINDOW_WORDS = 6;

/** The dates in the sentences that state their year and month, in text order. */
export function findDates(sentences: readonly string[]): DateFigure[] {
  const dates: DateFigure[] = [];
  for (const [index, sentence] of sentences.entries()) {
    if (!MAYBE_DATE.test(sentence)) continue;
    for (const result of chrono.strict.parse(sentence, REFERENCE)) {
      const { start } = result;
      if (!start.isCertain('year') || !start.isCertain('month')) continue;
      if (!statesItsYear(result.text, sentence.slice(result.index + result.text.length))) continue;
      const year = String(start.get('year')).padStart(4, '0');
      const month = String(start.get('month')).padStart(2, '0');
      const value = start.isCertain('day')
        ? `${year}-${month}-${String(start.get('day')).padStart(2, '0')}`
        : `${year}-${month}`;
      dates.push({ label: dateLabel(sentence.slice(0, result.index)), value, text: result.text, sentence: index });
    }
  }
  return dates;
}

/**
 * Whether a date as chrono read it writes its year in full, and is not the start of a larger
 * number: "31 December 49,136" is a day and month before an amount, not 2049-12-31.
 * "15.03.2024" and "March 2024" state a year; "3/15/24" and "December 49" do not.
 */
function statesItsYear(text: string, after: string): boolean {
  if (/^[.,]?\d/u.test(after)) return false;
  return /(?<!\d)(?:1[89]|2[01])\d{2}(?!\d)/u.test(text);
}

function dateLabel(before: string): string {
  const words = before.match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  const window = words.slice(-LABEL_WINDOW_WORDS).join(' ');
  let best: { label: string; at: number } | undefined;
  for (const { label, pattern } of DATE_KEYWORDS) {
    for (const match of window.matchAll(pattern)) {
      if (best === undefined || match.index > best.at) best = { label, at: match.index };
    }
  }
  return best?.label ?? 'date';
}
