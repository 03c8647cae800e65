import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeLargePdf } from './large-pdf';
import { runPdftotext } from './pdftotext';
import type { DocumentToolRunner } from './tool-runner';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');

/** One pdf_extractor run in a fresh process: its time and the process's peak memory. */
export interface PeakMemory {
  pages: number;
  ok: boolean;
  ms: number;
  /** CPU time of the run, all threads (tool thread, Tesseract's) together. */
  cpu_ms: number;
  rss_before_mib: number;
  max_rss_mib: number;
}

/** The generated document's figures: speed against pdftotext in this process, memory in fresh ones. */
export interface LargeFigures {
  pages: number;
  bytes: number;
  ok: boolean;
  ms: number;
  pdftotext_ms: number;
  time_ratio: number;
  pages_per_second: number;
  pdftotext_pages_per_second: number;
  /**
   * The same extraction in a process of its own, at a tenth of the pages, at all of them, and at
   * four times as many with a quarter of the lines each (the same text: four times that would pass
   * pdf_extractor's text limit): does memory grow with pages?
   */
  peak_memory: PeakMemory[];
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

/** Runs peak-memory-main.ts on `path` in a new Node process (tsx as its loader) and reads its line. */
export function peakMemory(path: string, pages: number): Promise<PeakMemory> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'peak-memory-main.ts'), path], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const line = JSON.parse(out.trim().split('\n').at(-1) ?? '') as {
          ok: boolean;
          ms: number;
          cpuMs: number;
          rssBeforeMiB: number;
          maxRssMiB: number;
        };
        resolve({
          pages,
          ok: line.ok,
          ms: round(line.ms),
          cpu_ms: round(line.cpuMs),
          rss_before_mib: round(line.rssBeforeMiB),
          max_rss_mib: round(line.maxRssMiB),
        });
      } catch {
        reject(new Error(`peak-memory-main.ts exited ${code} without its result line: ${out}`));
      }
    });
  });
}

/**
 * Generates a `pages`-page text PDF, times pdf_extractor on it against pdftotext (`reps`
 * each, in turn, medians), then measures the peak memory of a fresh process extracting it,
 * one of a tenth of the pages, and one of four times as many pages holding the same text
 * (pages are streamed, so memory should not grow with their count).
 */
export async function measureLarge(
  runner: DocumentToolRunner,
  pdftotext: string,
  pages: number,
  reps: number,
): Promise<LargeFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-bench-documents-'));
  try {
    const path = join(dir, `generated-${pages}-pages.pdf`);
    const smallPages = Math.max(1, Math.round(pages / 10));
    const smallPath = join(dir, `generated-${smallPages}-pages.pdf`);
    const manyPages = pages * 4;
    const manyPath = join(dir, `generated-${manyPages}-pages.pdf`);
    const bytes = await makeLargePdf(pages);
    writeFileSync(path, bytes);
    writeFileSync(smallPath, await makeLargePdf(smallPages));
    writeFileSync(manyPath, await makeLargePdf(manyPages, 10));
    const ours: number[] = [];
    const theirs: number[] = [];
    let ok = true;
    for (let i = 0; i < reps; i++) {
      const run = await runner.extract(bytes, 'generated.pdf');
      ok &&= run.ok;
      ours.push(run.ms);
      theirs.push((await runPdftotext(pdftotext, path)).ms);
    }
    const ms = median(ours);
    const pdftotextMs = median(theirs);
    return {
      pages,
      bytes: bytes.length,
      ok,
      ms: round(ms),
      pdftotext_ms: round(pdftotextMs),
      time_ratio: round(ms / pdftotextMs, 2),
      pages_per_second: round(pages / (ms / 1000)),
      pdftotext_pages_per_second: round(pages / (pdftotextMs / 1000)),
      peak_memory: [
        await peakMemory(smallPath, smallPages),
        await peakMemory(path, pages),
        await peakMemory(manyPath, manyPages),
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
