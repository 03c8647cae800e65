import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '@ordo/testing';

const historiesDir = join(dirname(fileURLToPath(import.meta.url)), 'histories');
const histories = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

/**
 * Replays job runs recorded from real servers (see histories/README.md) against
 * today's workflow code: a change that would break running jobs fails here.
 */
describe('job workflow replay', () => {
  it('has recorded histories to replay', () => {
    expect(histories.length).toBeGreaterThanOrEqual(2);
  });

  it.each(histories)('replays %s deterministically', async (file) => {
    const history = JSON.parse(readFileSync(join(historiesDir, file), 'utf8')) as { events: { eventType: string }[] };
    expect(history.events.some((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')).toBe(true);
    await Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, file.replace(/\.json$/, ''));
  });
});
