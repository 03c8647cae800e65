import { moneyIn, numbersIn, percentagesIn, withCentsCurrency, withRanges } from './figure-amounts';
import type { StatedAmount } from './figure-amounts';
import { inParentheses, nearestLabel } from './figure-labels';
import { otherPeriod } from './figure-periods';
import { keywordsIn } from './keyword-matches';
import { textBefore } from './text-window';

/** An amount of money, a percentage or a count stated in the text, labelled. */
export interface Figure extends StatedAmount {
  /**
   * The metric it is about, from the nearest keyword in its sentence, with `_change` for an
   * amount "by" which something moved; null when no keyword is near.
   */
  label: string | null;
  /** Index of the sentence it was found in. */
  sentence: number;
  /**
   * Its sentence states a headline figure: a total, annual, full-year, consolidated,
   * overall or final one (see `keyMetrics`).
   */
  headline: boolean;
  /**
   * A normalised tag where the figure is not of the period the document reports (see
   * `periodTag`): `2024`, `q4_2023`, `full_year`, `prior_year`. Unset for the main period.
   */
  period?: string;
  /**
   * It is the figure for a stated period in parentheses after another figure ("290-310 MEUR
   * (2024: 275.5 MEUR)"): the latest actual beside an expectation, a prior-period comparison
   * beside an actual. `keyMetrics` keeps it only in the first case.
   */
  basis?: true;
}

// Words that mark a sentence as stating the figure a reader asks for first: the total,
// the year's, the final one, rather than a part, a week's or an interim one.
const HEADLINE =
  /(?<![\p{L}])(?:total(?:s|ed|led|ing)?|overall|consolidated|annual|full[- ]year|final|fiscal year|for the year)(?![\p{L}])/iu;

// A headline word qualifies a figure it stands this close to ("total company sales", "full-year revenue", "12% for the year").
const HEADLINE_REACH = 16;

/**
 * Every amount of money and percentage in the sentences, in text order, labelled.
 * `talksMoney`: whether the whole text states an amount of money somewhere; only then does
 * a bare "growth" name a figure of the business (see `movesAnAmount`).
 */
export function findFigures(sentences: readonly string[], talksMoney = true): Figure[] {
  const figures: Figure[] = [];
  for (const [index, sentence] of sentences.entries()) {
    const keywords = keywordsIn(sentence);
    const found = withRanges(
      sentence,
      [...moneyIn(sentence), ...percentagesIn(sentence), ...numbersIn(sentence, keywords)].sort(
        (a, b) => a.start - b.start,
      ),
    );
    if (found.length === 0) continue;
    const inSentence: Figure[] = [];
    for (const [i, { start, end, figure, negative }] of found.entries()) {
      // "(Q4'23: 2.7 MEUR)", "(+33%)": an aside (a comparison, a part), not the figure stated;
      // "($0.25)" alone in its parentheses is a negative amount, as accountants write one.
      const aside = inParentheses(sentence, negative === true ? start - 1 : start);
      const named = aside ? undefined : nearestLabel(sentence, keywords, figure.kind, start, end, talksMoney);
      let label = named?.label ?? null;
      // "Total company sales were $33.9 billion": the headline word qualifies the figure's own label.
      const headline =
        named !== undefined &&
        HEADLINE.test(
          // The name's own words aside: "net total debt" is no total.
          `${sentence.slice(Math.max(0, named.at - HEADLINE_REACH), named.at)} ${sentence.slice(named.to, Math.max(end, named.to) + HEADLINE_REACH)}`,
        );
      // "Revenue increased by $2 million to $12 million": the first amount is a change, not the revenue.
      const isChange = figure.kind === 'money' && /\bby\s*$/iu.test(textBefore(sentence, start));
      if (label !== null && isChange) label = `${label}_change`;
      const own: Figure = { ...figure, label, sentence: index, headline };
      const previous = found[i - 1];
      const stated = previous === undefined ? undefined : inSentence[i - 1];
      const period =
        previous === undefined || stated?.label == null || stated.kind !== figure.kind
          ? undefined
          : otherPeriod(sentence, previous.end, start, end, aside, stated.headline);
      inSentence.push(
        period === undefined || stated?.label == null
          ? own
          : {
              ...own,
              label: stated.label,
              headline: false,
              period: period.tag,
              ...(period.basis ? { basis: true as const } : {}),
            },
      );
    }
    figures.push(...inSentence);
  }
  return withCentsCurrency(figures);
}
