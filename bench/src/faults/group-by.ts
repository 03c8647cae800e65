/** Grouping, kept apart: the measures group jobs, chains and ledger entries alike. */

/** The items grouped by `key`, each group in the items' order, the groups in the order their keys first came. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}
