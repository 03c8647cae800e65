import { METRIC_KEYWORDS } from './metric-keywords';
import type { MetricKeyword } from './metric-keywords';

/** A metric keyword found in a sentence, where it starts and ends. */
export interface KeywordMatch {
  start: number;
  end: number;
  keyword: MetricKeyword;
}

// One scan finds where keywords start; then the longest keyword starting there is taken
// ("net income", not "income"; "cash flow", not "cash"). Scanning with each keyword's own
// pattern instead costs forty passes over every sentence, seconds on a 3 MB text.
// The patterns are ASCII, so \b is the word boundary they need.
const ANY_KEYWORD = new RegExp(String.raw`\b(?:${METRIC_KEYWORDS.map((k) => k.pattern).join('|')})\b`, 'gi');
const KEYWORD_AT = METRIC_KEYWORDS.map((keyword) => ({
  keyword,
  pattern: new RegExp(String.raw`(?:${keyword.pattern})\b`, 'iy'),
}));

/** Keyword occurrences in a sentence, longest first where several start at one place; none inside another. */
export function keywordsIn(sentence: string): KeywordMatch[] {
  const found: KeywordMatch[] = [];
  let coveredUntil = 0;
  for (const match of sentence.matchAll(ANY_KEYWORD)) {
    if (match.index < coveredUntil) continue;
    let best: KeywordMatch | undefined;
    for (const { keyword, pattern } of KEYWORD_AT) {
      pattern.lastIndex = match.index;
      const at = pattern.exec(sentence);
      if (at !== null && (best === undefined || at[0].length > best.end - best.start)) {
        best = { start: match.index, end: match.index + at[0].length, keyword };
      }
    }
    if (best === undefined) continue;
    found.push(best);
    coveredUntil = best.end;
  }
  return found;
}
