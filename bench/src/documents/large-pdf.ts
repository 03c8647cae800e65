import { makePdf } from '@ordo/testing';

/**
 * A text PDF of `pages` pages for the speed and memory measures: each page `linesPerPage`
 * lines of varied prose (40: about 2,800 characters), Helvetica, like a long report. Deterministic.
 */
export function makeLargePdf(pages: number, linesPerPage = 40): Promise<Uint8Array> {
  const words = ['revenue', 'quarter', 'customers', 'growth', 'segment', 'operating', 'results', 'guidance', 'market'];
  return makePdf(
    Array.from({ length: pages }, (_, p) =>
      Array.from({ length: linesPerPage }, (_, l) => {
        const n = p * linesPerPage + l;
        return `Page ${p + 1} line ${l + 1}: the ${words[n % words.length]} of unit ${n} moved with the ${words[(n * 7) % words.length]} of its peers this year.`;
      }),
    ),
  );
}
