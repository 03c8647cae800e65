import { z } from 'zod';

/** A content word and how often it occurs. */
export const TermCount = z.object({
  term: z.string().describe('A content word, lowercased.'),
  count: z.number().int().positive().describe('How often it occurs in the text.'),
});
export type TermCount = z.infer<typeof TermCount>;

/** How often each content word occurs. */
export function termFrequencies(terms: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/**
 * The most frequent terms, most frequent first, ties in order of first appearance.
 * Terms under three letters are left out: they are mostly units and fragments.
 */
export function topTerms(frequencies: ReadonlyMap<string, number>, limit: number): TermCount[] {
  return [...frequencies]
    .filter(([term]) => term.length >= 3)
    .map(([term, count], order) => ({ term, count, order }))
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .slice(0, limit)
    .map(({ term, count }) => ({ term, count }));
}
