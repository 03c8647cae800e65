import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DocumentToolRunner } from './tool-runner';

/*
 * One pdf_extractor run in a process of its own, as the worker runs it (the activity layer,
 * the tool's thread): prints one JSON line with the run's wall time and the process's peak
 * resident memory (main thread and tool thread together), before and after, and the
 * run's CPU time. Spawned by
 * `pnpm bench:documents` (large-run.ts) so each measure starts from a fresh process.
 */
const path = process.argv[2];
if (path === undefined) throw new Error('usage: peak-memory-main.ts <file.pdf>');
const bytes = readFileSync(path);
const before = process.resourceUsage();
const rssBeforeMiB = peakRssMiB();
const runner = new DocumentToolRunner();
const run = await runner.extract(bytes, basename(path));
const after = process.resourceUsage();
const maxRssMiB = peakRssMiB();
// CPU time of every thread of the process (µs): on a loaded machine, the work itself, where wall time is mostly waiting.
const cpuMs = (after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1000;
await runner.close();
const pages = run.ok ? (run.outputs as { pages_read: number }).pages_read : 0;
process.stdout.write(
  `${JSON.stringify({ ok: run.ok, ms: run.ms, cpuMs, pages, rssBeforeMiB, maxRssMiB, ...(run.ok ? {} : { code: run.code, message: run.message }) })}\n`,
);

/**
 * This process's peak resident memory. On Linux from /proc (VmHWM: this address space's own
 * peak): `resourceUsage().maxRSS` starts from the parent's resident memory at the fork and
 * keeps it across exec, so a child spawned by a 600 MiB bench reports 600 MiB before doing anything.
 */
function peakRssMiB(): number {
  const status = '/proc/self/status';
  const hwm = existsSync(status) ? /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(status, 'utf8')) : null;
  return hwm === null ? process.resourceUsage().maxRSS / 1024 : Number(hwm[1]) / 1024;
}
