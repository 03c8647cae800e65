import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The output of `git <args>` in the checkout, for the commit a result was measured at; `unknown` outside git. */
export function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', cwd: benchRoot }).trim();
  } catch {
    return 'unknown';
  }
}
