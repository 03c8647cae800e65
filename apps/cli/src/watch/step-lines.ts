import type { JobEvent, Schema } from '@ordo/client';

type Job = Schema<'Job'>;

/** What the event stream said of a step beyond the job's view: its latest progress or wait. */
export interface StepNote {
  message: string;
  /** 0..1 when the message reports how far along the step is. */
  fraction?: number;
}

/**
 * The progress a message reports, where it says `N of M` (`Processing page 3 of 40`,
 * `Slept 2 of 5 s`): the fallback for a tool that reports no fraction of its own.
 */
export function fractionOf(message: string): number | undefined {
  const match = /(\d+)\s+of\s+(\d+)/.exec(message);
  if (!match) return undefined;
  const [done, total] = [Number(match[1]), Number(match[2])];
  return total > 0 ? Math.min(1, Math.max(0, done / total)) : undefined;
}

/** The note an event leaves on its step, if any. */
export function noteOf(event: JobEvent): StepNote | undefined {
  const { message, due_at } = event.data;
  switch (event.type) {
    case 'step.progress':
      if (message === undefined) return undefined;
      return { message, ...withFraction(message, event.data.fraction) };
    case 'step.waiting':
      return { message: message ?? (due_at ? `waiting until ${due_at}` : 'waiting for confirmation') };
    case 'step.failed':
      return message === undefined ? undefined : { message };
    case 'step.started':
    case 'step.completed':
    case 'step.disabled':
    case 'job.started':
    case 'job.paused':
    case 'job.resumed':
    case 'job.completed':
    case 'job.failed':
    case 'job.cancelled':
    case 'job.reset':
      return undefined;
  }
}

/** The fraction the tool reported, else the one its message reads as (`N of M`), else none. */
function withFraction(message: string, reported: number | undefined): { fraction?: number } {
  const fraction = reported ?? fractionOf(message);
  return fraction === undefined ? {} : { fraction };
}

/** `[#####-----]  50%`. */
export function progressBar(fraction: number, width = 20): string {
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%`;
}

/** `4.2s`, `3m05s`. */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1_000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

const MARK: Record<Job['steps'][number]['status'], string> = {
  PENDING: ' ',
  RUNNING: '>',
  COMPLETED: '+',
  FAILED: 'x',
  DISABLED: '-',
};

/**
 * The watch display: a header line for the job, then one line per step (mark, id, status,
 * attempt, elapsed, its latest note and a progress bar where the note gives a fraction).
 * `withElapsed: false` leaves the running clocks out (the lines a pipe gets only when they change).
 */
export function watchLines(
  job: Job,
  notes: ReadonlyMap<number, StepNote>,
  now: number,
  options: { withElapsed: boolean } = { withElapsed: true },
): string[] {
  const idWidth = Math.max(4, ...job.steps.map((s) => s.step_id.length));
  const paused = job.execution_progress.is_paused ? ' (paused)' : '';
  const header = `job ${job.job_id}  ${job.workflow_id} v${job.workflow_version}  ${job.status}${paused}`;
  const lines = job.steps.map((step, index) => {
    const parts = [`${MARK[step.status]} ${step.step_id.padEnd(idWidth)}`, step.status.padEnd(9)];
    if (step.attempt > 0) parts.push(`attempt ${step.attempt}${step.max_attempts ? `/${step.max_attempts}` : ''}`);
    if (options.withElapsed && step.started_at) {
      const end = step.completed_at ? Date.parse(step.completed_at) : now;
      parts.push(formatElapsed(Math.max(0, end - Date.parse(step.started_at))));
    }
    const note = notes.get(index);
    if (step.status === 'FAILED' && step.error_message) parts.push(step.error_message);
    else if (note && (step.status === 'RUNNING' || step.status === 'PENDING')) {
      parts.push(note.message);
      if (note.fraction !== undefined) parts.push(progressBar(note.fraction));
    }
    return parts.join('  ').trimEnd();
  });
  return [header, ...lines];
}
