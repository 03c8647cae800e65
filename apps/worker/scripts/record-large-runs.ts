/**
 * The recorded runs big enough to cross a size limit inside one execution: an expression
 * paced across activations, and a run that writes its steps mid-run past UNRECORDED_LIMIT.
 */
import { counting, step } from './recorded-steps';
import { recordingStarts, save } from './recording-runs';
import type { RecordingSession } from './recording-session';

/** Records the wanted `expression-paced` and `run-state-unrecorded-written` constructs, in that order. */
export async function recordLargeRuns(session: RecordingSession): Promise<void> {
  const { wanted } = session;
  const { start, startPrepared } = recordingStarts(session);

  if (wanted('expression-paced')) {
    // An expression of about 9,000 steps: suspended on the pacer's 1 ms timer every 1,000 steps, resumed in the next activation.
    await save(
      'expression-paced',
      await startPrepared('expression-paced', [
        step(
          'doubled',
          'noop',
          { value: { expr: '$map([1..3000], function($v){ $v * 2 })' } },
          { output_mappings: { value: 'doubled' } },
        ),
        step('after', 'noop', { value: { expr: '$count(doubled)' } }),
      ]),
    );
  }

  if (wanted('run-state-unrecorded-written')) {
    // A run given only its job ID records its steps itself: past UNRECORDED_LIMIT (50 steps) it writes them mid-run.
    await save('run-state-unrecorded-written', await start('unrecorded', counting(55)));
  }
}
