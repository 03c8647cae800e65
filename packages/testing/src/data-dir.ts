import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh data folder for one test's database and files, and a function that removes it. */
export async function tempDataDir(label: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `ordo-${label}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
