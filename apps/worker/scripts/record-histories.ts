/**
 * Records the job workflow's histories for the replay test, one per construct, from real
 * runs on a throw-away Temporal dev server:
 *
 *   pnpm --filter @ordo/worker exec tsx scripts/record-histories.ts [name …]
 *
 * It records the constructs named, or else every construct that has no file yet: a file
 * once recorded holds what runs in flight did, and is never recorded again to make the
 * replay test pass. Run it when a construct is added or deliberately changed (behind
 * `patched()`, or a new start argument, for runs in flight), and commit the new files.
 *
 * This file is the entry: the server, store and worker are in `recording-session.ts`, the
 * step builders in `recorded-steps.ts`, starting and saving in `recording-runs.ts`, and the
 * constructs in the `record-*.ts` modules, run here in the order they have always been.
 */
import { recordComposition } from './record-composition';
import { recordContinueAsNew } from './record-continue-as-new';
import { recordExternalDispatch } from './record-external-dispatch';
import { recordLargeRuns } from './record-large-runs';
import { recordPreparedStarts } from './record-prepared-starts';
import { recordRunState } from './record-run-state';
import { recordStepEndings } from './record-step-endings';
import { openRecordingSession } from './recording-session';

const session = await openRecordingSession(process.argv.slice(2));

await session.worker.runUntil(async () => {
  await recordRunState(session);
  await recordPreparedStarts(session);
  await recordLargeRuns(session);
  await recordComposition(session);
  await recordExternalDispatch(session);
  await recordStepEndings(session);
});

// After the session's worker has stopped: this group brings a server and worker of its own.
await recordContinueAsNew(session);

await session.close();
