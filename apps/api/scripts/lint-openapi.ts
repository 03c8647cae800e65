/**
 * `pnpm lint`'s check of the OpenAPI document: writes the document the API serves to a temporary
 * file and runs Redocly's rules on it (`redocly.yaml`: the recommended rules, every finding an error).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { servedOpenApiDocument } from '../src/openapi-document';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'ordo-openapi-'));
try {
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(await servedOpenApiDocument(), null, 2));
  execFileSync(join(root, 'node_modules', '.bin', 'redocly'), ['lint', file, '--config', join(root, 'redocly.yaml')], {
    stdio: 'inherit',
  });
} catch (err) {
  process.exitCode = 1;
  if (!(err instanceof Error && 'status' in err)) console.error(err);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
