import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { ok, streamJobEvents, type JobEvent, type Schema } from '@ordo/client';
import { UsageError } from '../cli-error';
import type { CommandContext } from '../context';
import { collectInputs, splitAssignment } from '../job-inputs';
import { fields, table } from '../table';
import { watchJob } from '../watch/watch-job';

type Job = Schema<'Job'>;

const collect = (value: string, previous: string[]) => [...previous, value];
const JOB_STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'] as const;

/** A job in a few lines: what it is, where it stands, each step. */
export function describeJob(job: Job): string[] {
  return [
    ...fields([
      ['job_id', job.job_id],
      ['workflow', `${job.workflow_id} v${job.workflow_version}`],
      ['status', `${job.status}${job.execution_progress.is_paused ? ' (paused)' : ''}`],
      ['live_output', job.live_output],
      ['error', job.error_message],
      ['input_errors', Object.keys(job.input_errors).length ? job.input_errors : undefined],
      ['output_data', Object.keys(job.output_data).length ? job.output_data : undefined],
      ['temporal_ui', job.links.temporal_ui],
    ]),
    ...job.steps.map((s) => `  ${s.step_id}  ${s.status}${s.error_message ? `  ${s.error_message}` : ''}`),
  ];
}

/** One event as a line: `#12 step.progress extract attempt 1: Processing page 3 of 40`. */
export function describeEvent(event: JobEvent): string {
  const { step_id, attempt, message, error_code } = event.data;
  return [
    `#${event.event_id}`,
    event.at,
    event.type,
    step_id,
    attempt !== undefined && `attempt ${attempt}`,
    error_code,
    message && `: ${message}`,
  ]
    .filter(Boolean)
    .join(' ');
}

const jobArg = (cmd: Command) => cmd.argument('<job_id>', 'the job');

/** `ordo jobs …`. */
export function jobsCommand(ctx: () => CommandContext, exit: (code: number) => void): Command {
  const jobs = new Command('jobs').description('create, run, watch and control jobs');
  const path = (job_id: string) => ({ params: { path: { job_id } } });
  const printJob = (job: Job) => ctx().print(job, describeJob);
  /** What a control answers (a job, or an execution state): printed whole with --json, else a word. */
  const printControl = (jobId: string, verb: string) => (answer: unknown) =>
    ctx().print(answer, (a) => {
      const status = (a as { status?: string } | undefined)?.status;
      return `job ${jobId} ${verb}${status ? `: ${status}` : ''}`;
    });

  jobs
    .command('run')
    .description('upload the input files, create a job of WORKFLOW and start it, in one go')
    .argument('<workflow_id>', 'a PUBLISHED workflow')
    .option('--input <name=value>', 'an input value (JSON for a non-string input); repeatable', collect, [])
    .option('--input-file <name=@path>', 'a file to upload as a file input; repeatable', collect, [])
    .option('--version <n>', 'a workflow version other than the published one', (v) => Number(v))
    .option('--name <name>', "the job's name (the workflow's by default)")
    .option('-w, --watch', 'follow the job to its end (exit 0 COMPLETED, 1 FAILED)')
    .action(
      async (
        workflowId: string,
        opts: { input: string[]; inputFile: string[]; version?: number; name?: string; watch?: boolean },
      ) => {
        const c = ctx();
        const client = c.client();
        // Misuse is reported before anything is asked of the API.
        for (const text of opts.input) splitAssignment('--input', text);
        for (const text of opts.inputFile) splitAssignment('--input-file', text);
        if (opts.version !== undefined && !(Number.isInteger(opts.version) && opts.version > 0))
          throw new UsageError('--version takes a positive whole number');
        const workflow = await ok(
          opts.version === undefined
            ? client.GET('/v1/workflows/{workflow_id}', { params: { path: { workflow_id: workflowId } } })
            : client.GET('/v1/workflows/{workflow_id}/versions/{version}', {
                params: { path: { workflow_id: workflowId, version: opts.version } },
              }),
        );
        const inputValues = await collectInputs(client, workflow.input_variables, opts.input, opts.inputFile);
        const job = await ok(
          client.POST('/v1/jobs', {
            // Safe to retry: a create repeated with the key answers the same job.
            params: { header: { 'Idempotency-Key': randomUUID() } },
            body: {
              workflow_id: workflowId,
              name: opts.name ?? workflow.name,
              ...(opts.version !== undefined && { workflow_version: opts.version }),
              input_values: inputValues,
              start: true,
            },
          }),
        );
        if (!opts.watch) return printJob(job);
        if (!c.json) process.stdout.write(`started job ${job.job_id}\n`);
        exit(await watchJob(c, job.job_id, job));
      },
    );

  jobs
    .command('list')
    .description('jobs, newest first')
    .option('--workflow <workflow_id>', 'only jobs of this workflow')
    .option('--schedule <schedule_id>', 'only jobs this schedule created')
    .addOption(new Option('--status <status>', 'only jobs with this status').choices(JOB_STATUSES))
    .option('--limit <n>', 'at most this many (1–200)', (v) => Number(v))
    .option('--cursor <cursor>', 'the page after a previous answer')
    .action(
      async (opts: {
        workflow?: string;
        schedule?: string;
        status?: (typeof JOB_STATUSES)[number];
        limit?: number;
        cursor?: string;
      }) => {
        const page = await ok(
          ctx()
            .client()
            .GET('/v1/jobs', {
              params: {
                query: {
                  ...(opts.workflow && { workflow_id: opts.workflow }),
                  ...(opts.schedule && { schedule_id: opts.schedule }),
                  ...(opts.status && { status: opts.status }),
                  ...(opts.limit !== undefined && { limit: opts.limit }),
                  ...(opts.cursor && { cursor: opts.cursor }),
                },
              },
            }),
        );
        ctx().print(page, (p) => [
          ...table(
            ['JOB', 'WORKFLOW', 'STATUS', 'STEP', 'CREATED', 'LIVE OUTPUT'],
            p.items.map((j) => [
              j.job_id,
              `${j.workflow_id} v${j.workflow_version}`,
              j.status + (j.execution_progress.is_paused ? ' (paused)' : ''),
              `${j.execution_progress.current_step}/${j.execution_progress.total_steps}`,
              j.created_at,
              j.live_output,
            ]),
          ),
          ...(p.next_cursor ? [`more: --cursor ${p.next_cursor}`] : []),
        ]);
      },
    );

  jobArg(jobs.command('get').description('one job, its steps, outputs and error')).action(async (jobId: string) =>
    printJob(await ok(ctx().client().GET('/v1/jobs/{job_id}', path(jobId)))),
  );

  jobArg(jobs.command('inputs').description("a job's input values and what is wrong with them; --input sets some"))
    .option('--input <name=value>', 'set an input value; repeatable', collect, [])
    .option('--input-file <name=@path>', 'upload a file and set it as a file input; repeatable', collect, [])
    .action(async (jobId: string, opts: { input: string[]; inputFile: string[] }) => {
      const client = ctx().client();
      if (opts.input.length || opts.inputFile.length) {
        const job = await ok(client.GET('/v1/jobs/{job_id}', path(jobId)));
        const values = await collectInputs(client, job.input_variables, opts.input, opts.inputFile);
        for (const [variable_id, value] of Object.entries(values))
          await ok(
            client.PUT('/v1/jobs/{job_id}/inputs/{variable_id}', {
              params: { path: { job_id: jobId, variable_id } },
              body: { value: value as never },
            }),
          );
      }
      const inputs = await ok(client.GET('/v1/jobs/{job_id}/inputs', path(jobId)));
      ctx().print(inputs, (i) => {
        const answer = i as unknown as {
          valid?: boolean;
          input_values?: unknown;
          input_errors?: Record<string, string>;
        };
        return [
          ...fields([
            ['valid', answer.valid],
            ['input_values', answer.input_values],
          ]),
          ...Object.entries(answer.input_errors ?? {}).map(([k, v]) => `  ${k}: ${v}`),
        ];
      });
    });

  jobArg(jobs.command('start').description('start a PENDING job (its inputs must be valid)'))
    .option('-w, --watch', 'follow the job to its end')
    .action(async (jobId: string, opts: { watch?: boolean }) => {
      const answer = await ok(ctx().client().POST('/v1/jobs/{job_id}/start', path(jobId)));
      if (opts.watch) exit(await watchJob(ctx(), jobId));
      else printControl(jobId, 'started')(answer);
    });
  for (const [verb, done, description] of [
    ['pause', 'paused', 'pause a running job after its current step'],
    ['resume', 'resumed', 'resume a paused job'],
    ['cancel', 'cancelled', 'cancel a running job'],
    ['reset', 'reset', 'back to PENDING with its inputs, for another start'],
  ] as const)
    jobArg(jobs.command(verb).description(description)).action(async (jobId: string) => {
      const client = ctx().client();
      const call =
        verb === 'pause'
          ? client.POST('/v1/jobs/{job_id}/pause', path(jobId))
          : verb === 'resume'
            ? client.POST('/v1/jobs/{job_id}/resume', path(jobId))
            : verb === 'cancel'
              ? client.POST('/v1/jobs/{job_id}/cancel', path(jobId))
              : client.POST('/v1/jobs/{job_id}/reset', path(jobId));
      printControl(jobId, done)(await ok(call));
    });

  jobArg(jobs.command('retry').description('a new run of a FAILED job from the step that failed'))
    .option('--from-step <step_id>', 'from this step instead (at or before the failed one)')
    .option('--dry-run', 'only print the plan; start nothing')
    .option('-w, --watch', 'follow the new run to its end')
    .action(async (jobId: string, opts: { fromStep?: string; dryRun?: boolean; watch?: boolean }) => {
      const answer = await ok(
        ctx()
          .client()
          .POST('/v1/jobs/{job_id}/retry', {
            params: {
              path: { job_id: jobId },
              query: { ...(opts.fromStep && { from_step: opts.fromStep }), ...(opts.dryRun && { dry_run: 'true' }) },
            },
          }),
      );
      if (opts.watch && !opts.dryRun) exit(await watchJob(ctx(), jobId));
      else
        ctx().print(answer, (a) =>
          'dry_run' in a
            ? [`retry plan (dry run): ${JSON.stringify(a.plan)}`]
            : [`job ${jobId} retried: ${a.job.status}`],
        );
    });

  jobArg(jobs.command('confirm').description('confirm a step waiting for confirmation'))
    .argument('<step_id>', 'the waiting step')
    .option('--payload <json>', "the confirmation's data (a JSON object), checked against the step's schema")
    .action(async (jobId: string, stepId: string, opts: { payload?: string }) => {
      let payload: Record<string, never> | undefined;
      if (opts.payload !== undefined) {
        try {
          payload = JSON.parse(opts.payload) as Record<string, never>;
        } catch (err) {
          throw new UsageError(`--payload is not JSON: ${(err as Error).message}`);
        }
      }
      const answer = await ok(
        ctx()
          .client()
          .POST('/v1/jobs/{job_id}/steps/{step_id}/confirm', {
            params: { path: { job_id: jobId, step_id: stepId } },
            ...(payload !== undefined && { body: { payload } }),
          }),
      );
      printControl(jobId, `step ${stepId} confirmed`)(answer);
    });

  jobArg(jobs.command('watch').description('follow a job to its end: one line per step, updated in place')).action(
    async (jobId: string) => exit(await watchJob(ctx(), jobId)),
  );

  jobArg(jobs.command('events').description("a job's events, as they happen, to its final one"))
    .option('--after <event_id>', 'only the events after this one (Last-Event-ID)')
    .action(async (jobId: string, opts: { after?: string }) => {
      const c = ctx();
      for await (const event of streamJobEvents(c.client(), jobId, opts.after ? { lastEventId: opts.after } : {}))
        process.stdout.write(`${c.json ? JSON.stringify(event) : describeEvent(event)}\n`);
    });

  return jobs;
}
