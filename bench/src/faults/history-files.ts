/**
 * Writing the runs' histories as text files: a failed measure is read from these, so they are
 * timed from the first fault, where the story starts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaultWindow } from './fault-window';
import type { AttemptStart } from './tasks';
import type { Chain } from './temporal-chains';
import { describeHistory } from './timeline';

/**
 * Writes each chain's histories as lines to read, one file per job, timed from the first
 * fault (or the run's start), each execution followed by the activity attempts seen pending
 * that its history does not keep.
 */
export async function writeHistories(
  dir: string,
  chains: readonly Chain[],
  faults: readonly FaultWindow[],
  earlierStarts: (runId: string, activityId: string) => readonly AttemptStart[],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const chain of chains) {
    const origin = faults[0]?.end ?? chain.started_at;
    const header = faults.map(
      (f) =>
        `fault: ${f.what} at +${((f.end - origin) / 1000).toFixed(2)} s${f.worker_identity ? ` (${f.worker_identity})` : ''}`,
    );
    const at = (t: number): string => `${((t - origin) / 1000).toFixed(2).padStart(6)} s`;
    const seen = (x: Chain['executions'][number]): string[] =>
      x.events.flatMap((event) => {
        const a = event.activityTaskScheduledEventAttributes;
        if (!a) return [];
        return earlierStarts(x.run_id, a.activityId ?? '').map(
          (s) =>
            `${at(s.at)}  seen pending: activity ${a.activityId} (${a.activityType?.name ?? '?'}) attempt ${s.attempt} started by ${s.by}`,
        );
      });
    const body = chain.executions.flatMap((x) => [
      `execution ${x.run_id}`,
      ...describeHistory(x.events, origin),
      ...seen(x),
    ]);
    await writeFile(join(dir, `${chain.job_id}.txt`), [...header, ...body, ''].join('\n'));
  }
}
