import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** pdftotext's path and version, installed by infra/install-poppler.sh (Debian's poppler-utils) when missing. */
export function findPdftotext(): { path: string; version: string } {
  const path = execFileSync('bash', [join(repoRoot, 'infra', 'install-poppler.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  // pdftotext -v prints its version on stderr (older versions exit 99).
  const printed = spawnSync(path, ['-v'], { encoding: 'utf8' });
  const output = `${printed.stdout}${printed.stderr}`;
  return { path, version: /pdftotext version (\S+)/u.exec(output)?.[1] ?? 'unknown' };
}

/** pdftotext's default reading of `pdfPath` (form feeds between pages) and its wall time, process start included. */
export function runPdftotext(pdftotext: string, pdfPath: string): Promise<{ text: string; ms: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    execFile(pdftotext, ['-enc', 'UTF-8', pdfPath, '-'], { maxBuffer: 1 << 30, encoding: 'utf8' }, (err, stdout) => {
      // pdftotext exits non-zero on damaged files after printing what it could read: keep that text.
      if (err?.code === 'ENOENT') reject(new Error(`no pdftotext at ${pdftotext}`, { cause: err }));
      else resolve({ text: stdout, ms: performance.now() - start });
    });
  });
}
