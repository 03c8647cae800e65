import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const seedDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'infra', 'seed');

/** Seed 002's example as committed under infra/seed (docs/contract.md): the raw JSON bodies, byte for byte. */
export function seedFile(name: 'wf_analyze_document.json' | 'create-job-request.json'): string {
  return readFileSync(join(seedDir, name), 'utf8');
}
