/** Rows as aligned columns under a header, for list commands. */
export function table(header: string[], rows: (string | number | undefined | null)[][]): string[] {
  const cells = [
    header,
    ...rows.map((row) => row.map((cell) => (cell === undefined || cell === null ? '' : String(cell)))),
  ];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** `key: value` lines for one object's chosen fields. */
export function fields(entries: [string, unknown][]): string[] {
  return entries
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}
