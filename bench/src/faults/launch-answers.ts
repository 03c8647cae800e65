/** How a launch's answers read in the measures' examples: a lost or duplicated job is explained by them. */
import type { Launch } from './workload';

/** A launch's answers, each distinct answer once with its count, in the order they first came. */
export function answersOf(launch: Launch): string {
  const counts = new Map<string, number>();
  for (const answer of launch.answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  return [...counts].map(([answer, n]) => (n > 1 ? `${answer} ×${n}` : answer)).join(' / ');
}
