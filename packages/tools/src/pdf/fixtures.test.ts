import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pdfFixture, pdfFixturePath } from '../../fixtures/pdf-fixtures';
import type { PdfFixtureName } from '../../fixtures/pdf-fixtures';
import { extractPdfText } from './extract-pdf-text';

const SCRIPT = join(import.meta.dirname, '..', '..', 'fixtures', 'make-fixtures.sh');
const all = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

async function textOf(bytes: Uint8Array): Promise<string> {
  return extractPdfText(bytes, { selectPages: all }).then(
    (pdf) => `${pdf.pageCount} pages: ${pdf.text}`,
    (err: unknown) => `fails: ${(err as Error).message}`,
  );
}

describe('the committed fixtures', () => {
  const fresh = mkdtempSync(join(tmpdir(), 'ordo-fixtures-'));
  afterAll(() => rmSync(fresh, { recursive: true, force: true }));

  it('are what make-fixtures.sh makes today', { timeout: 120_000 }, async () => {
    const made = spawnSync('bash', [SCRIPT, fresh], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const names: PdfFixtureName[] = ['financial-report', 'letter', 'password-protected', 'no-text-layer', 'truncated'];
    for (const name of names) {
      expect(pdfFixturePath(name)).toMatch(/fixtures\/pdf\//);
      expect(await textOf(readFileSync(join(fresh, `${name}.pdf`))), name).toBe(await textOf(pdfFixture(name)));
    }
  });
});
