import { ok, streamJobEvents, type OrdoClient, type Schema } from '@ordo/client';
import { EXIT } from '../cli-error';
import type { CommandContext } from '../context';
import { appendingScreen, terminalScreen, type Screen } from './screen';
import { noteOf, watchLines, type StepNote } from './step-lines';

type Job = Schema<'Job'>;

const ended = (job: Job) => job.status === 'COMPLETED' || job.status === 'FAILED';

function readJob(client: OrdoClient, jobId: string): Promise<Job> {
  return ok(client.GET('/v1/jobs/{job_id}', { params: { path: { job_id: jobId } } }));
}

/**
 * Follows a job to its end: the event stream drives the display (reconnecting with
 * `Last-Event-ID` when it drops), the job is read again after each step or job event for
 * the whole picture. Returns the exit code: 0 COMPLETED, 1 FAILED (its error printed), 130
 * on Ctrl-C, which stops watching and leaves the job running. With `--json`, prints only
 * the final job.
 */
export async function watchJob(ctx: CommandContext, jobId: string, initial?: Job): Promise<number> {
  const client = ctx.client();
  const tty = process.stdout.isTTY === true && !ctx.json;
  const screen: Screen = tty ? terminalScreen(process.stdout) : appendingScreen(process.stdout);
  const notes = new Map<number, StepNote>();
  let job = initial ?? (await readJob(client, jobId));

  const render = () => {
    if (ctx.json) return;
    const shown = new Map(notes);
    // The running step's live output and fraction, until the stream brings a note of its own (the
    // live output is not read for `N of M`: it begins `Running step 2 of 3`).
    const running = job.steps.findIndex((s) => s.status === 'RUNNING');
    const fraction = job.steps[running]?.progress_fraction;
    if (running >= 0 && !shown.has(running) && job.live_output)
      shown.set(running, { message: job.live_output, ...(fraction !== undefined && { fraction }) });
    screen.draw(watchLines(job, shown, Date.now(), { withElapsed: tty }));
  };

  // One read of the job at a time; events arriving meanwhile ask for one more after it.
  let reading: Promise<void> | undefined;
  let readAgain = false;
  const refresh = (): Promise<void> => {
    if (reading) {
      readAgain = true;
      return reading;
    }
    reading = (async () => {
      do {
        readAgain = false;
        job = await readJob(client, jobId);
        render();
      } while (readAgain);
    })().finally(() => (reading = undefined));
    return reading;
  };

  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  // The elapsed times move on a terminal; a pipe gets a line only when it changes.
  const ticker = tty ? setInterval(render, 1_000) : undefined;
  render();
  try {
    if (!ended(job) || job.steps.some((s) => s.status === 'RUNNING')) {
      for await (const event of streamJobEvents(client, jobId, {
        signal: controller.signal,
        onReconnect: () => !ctx.json && screen.done('(the event stream dropped: reconnecting)'),
      })) {
        const index = event.data.step_index;
        if (index !== undefined) {
          if (event.type === 'step.started' || event.type === 'step.completed') notes.delete(index);
          const note = noteOf(event);
          if (note) notes.set(index, note);
        }
        if (event.type === 'step.progress') render();
        else void refresh().catch(() => undefined);
      }
    }
  } catch (err) {
    if (!interrupted) throw err;
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', onSigint);
  }

  if (interrupted) {
    job = await readJob(client, jobId).catch(() => job);
    render();
    const state = ended(job) ? `ended ${job.status}` : `is still ${job.status}: it goes on running`;
    process.stderr.write(
      `\nStopped watching. Job ${jobId} ${state} (\`ordo jobs watch ${jobId}\` follows it again, \`ordo jobs cancel ${jobId}\` stops it).\n`,
    );
    return EXIT.interrupted;
  }
  await reading;
  // The final event is persisted with the state that implies it: the job reads as ended now,
  // unless an answer raced it; a few reads settle that.
  for (let i = 0; i < 20; i++) {
    job = await readJob(client, jobId);
    if (ended(job)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  render();
  if (ctx.json) ctx.print(job, () => '');
  if (job.status === 'COMPLETED') {
    if (!ctx.json) screen.done(`Job ${jobId} COMPLETED.`);
    return EXIT.ok;
  }
  const failed = job.steps.find((s) => s.status === 'FAILED');
  const reason = job.error_message ?? failed?.error_message ?? 'no error message';
  process.stderr.write(`error: job ${jobId} ${job.status}${failed ? ` at step ${failed.step_id}` : ''}: ${reason}\n`);
  return EXIT.failed;
}
