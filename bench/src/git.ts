import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The checkout a run measured: its commit, and whether it had uncommitted changes. */
export function checkout(): { commit: string; dirty: boolean } {
  return { commit: git(['rev-parse', '--short', 'HEAD']), dirty: git(['status', '--porcelain']) !== '' };
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', cwd: here }).trim();
  } catch {
    return 'unknown';
  }
}
