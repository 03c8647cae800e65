import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/**
 * Writes a run's record to bench/results/: `<name>.json` (committed, see results/.gitignore)
 * and a dated copy beside it (kept local); returns the first's path.
 */
export function writeResults(
  name: 'latest' | 'faults-latest' | 'fuzz-latest' | 'external-tools-latest' | 'documents-latest' | 'events-latest',
  date: string,
  result: unknown,
): string {
  mkdirSync(resultsDir, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const latest = join(resultsDir, `${name}.json`);
  writeFileSync(latest, json);
  writeFileSync(join(resultsDir, `${name.replace(/latest$/, '')}${date.replace(/[:.]/g, '-')}.json`), json);
  return latest;
}
