import { Command, Option } from 'commander';
import { ok, type operations } from '@ordo/client';
import type { CommandContext } from '../context';
import { readDefinitionFile } from '../definition-file';
import { uploadFile } from '../job-inputs';
import { fields, table } from '../table';

/** `ordo files upload PATH`. */
export function filesCommand(ctx: () => CommandContext): Command {
  const files = new Command('files').description('upload files for file inputs');
  files
    .command('upload')
    .description('upload a file; prints its file_id (set it with `jobs inputs --input NAME={"file_id":…}`)')
    .argument('<path>')
    .action(async (path: string) => {
      const file = await uploadFile(ctx().client(), path);
      ctx().print(file, (f) => fields(Object.entries(f)));
    });
  return files;
}

/** `ordo tools list | get`. */
export function toolsCommand(ctx: () => CommandContext): Command {
  const tools = new Command('tools').description('the tool catalog');
  tools
    .command('list')
    .description('each tool at its newest version')
    .action(async () => {
      const list = await ok(ctx().client().GET('/v1/tools'));
      ctx().print(list, (l) =>
        table(
          ['TOOL', 'VERSION', 'TASK QUEUE', 'NAME'],
          l.items.map((t) => [t.tool_id, t.version, t.task_queue, t.name]),
        ),
      );
    });
  tools
    .command('get')
    .description('one tool: its contract and versions')
    .argument('<tool_id>')
    .action(async (toolId: string) => {
      const tool = await ok(
        ctx()
          .client()
          .GET('/v1/tools/{tool_id}', { params: { path: { tool_id: toolId } } }),
      );
      ctx().print(tool, (t) => [
        ...fields([
          ['tool_id', t.tool_id],
          ['version', t.version],
          ['name', t.name],
          ['description', t.description],
          ['task_queue', t.task_queue],
          ['parameters', t.parameters],
          ['outputs', t.outputs],
        ]),
      ]);
    });
  return tools;
}

type BackfillRequest = operations['backfillSchedule']['requestBody']['content']['application/json'];

/** The overlap policies a backfill may take (the API's `ScheduleOverlap`). */
const OVERLAPS = [
  'SKIP',
  'BUFFER_ONE',
  'BUFFER_ALL',
  'CANCEL_OTHER',
  'ALLOW_ALL',
] as const satisfies readonly NonNullable<BackfillRequest['overlap']>[];

/** `ordo schedules …`. */
export function schedulesCommand(ctx: () => CommandContext): Command {
  const schedules = new Command('schedules').description('run workflows on a schedule (Temporal Schedules)');
  const sid = (schedule_id: string) => ({ params: { path: { schedule_id } } });
  schedules
    .command('list')
    .description('the schedules')
    .action(async () => {
      const list = await ok(ctx().client().GET('/v1/schedules'));
      ctx().print(list, (l) =>
        table(
          ['SCHEDULE', 'WORKFLOW', 'PAUSED', 'NEXT', 'NAME'],
          l.items.map((s) => [
            s.schedule_id,
            `${s.workflow_id}${s.workflow_version === null ? '' : ` v${s.workflow_version}`}`,
            s.paused ? 'yes' : 'no',
            s.next_action_times[0],
            s.name,
          ]),
        ),
      );
    });
  schedules
    .command('get')
    .argument('<schedule_id>')
    .action(async (id: string) => {
      const schedule = await ok(ctx().client().GET('/v1/schedules/{schedule_id}', sid(id)));
      ctx().print(schedule, (s) => fields(Object.entries(s)));
    });
  schedules
    .command('create')
    .description('a schedule from a JSON or YAML file (workflow_id, input_values, spec, policy)')
    .requiredOption('-f, --file <path>', 'the schedule, JSON or YAML (- for standard input)')
    .action(async (opts: { file: string }) => {
      const schedule = await ok(
        ctx()
          .client()
          .POST('/v1/schedules', { body: readDefinitionFile(opts.file) as never }),
      );
      ctx().print(schedule, (s) => [`schedule ${s.schedule_id} created`]);
    });
  schedules
    .command('update')
    .description(
      'change a schedule from a JSON or YAML file: the fields given replace its own (spec and policy as a whole)',
    )
    .argument('<schedule_id>')
    .requiredOption('-f, --file <path>', 'the changes, JSON or YAML (- for standard input)')
    .action(async (id: string, opts: { file: string }) => {
      const schedule = await ok(
        ctx()
          .client()
          .PATCH('/v1/schedules/{schedule_id}', { ...sid(id), body: readDefinitionFile(opts.file) as never }),
      );
      ctx().print(schedule, (s) => [`schedule ${s.schedule_id} updated`]);
    });
  schedules
    .command('backfill')
    .description("take now the actions the schedule's spec had between --start and --end, as if at those times")
    .argument('<schedule_id>')
    .requiredOption('--start <time>', 'from this time (ISO 8601 with its offset: 2026-01-01T00:00:00Z)')
    .requiredOption('--end <time>', 'to this time (ISO 8601 with its offset)')
    .addOption(
      new Option('--overlap <policy>', "the backfill's overlap policy (the schedule's by default)").choices(OVERLAPS),
    )
    .action(async (id: string, opts: { start: string; end: string; overlap?: (typeof OVERLAPS)[number] }) => {
      const body: BackfillRequest = {
        start_at: opts.start,
        end_at: opts.end,
        ...(opts.overlap && { overlap: opts.overlap }),
      };
      const accepted = await ok(
        ctx()
          .client()
          .POST('/v1/schedules/{schedule_id}/backfill', { ...sid(id), body }),
      );
      ctx().print(accepted, () => [
        `schedule ${id}: backfill from ${opts.start} to ${opts.end} accepted, its jobs follow`,
      ]);
    });
  for (const verb of ['pause', 'unpause', 'trigger', 'delete'] as const)
    schedules
      .command(verb)
      .argument('<schedule_id>')
      .action(async (id: string) => {
        const client = ctx().client();
        const answer: unknown =
          verb === 'pause'
            ? await ok(client.POST('/v1/schedules/{schedule_id}/pause', sid(id)))
            : verb === 'unpause'
              ? await ok(client.POST('/v1/schedules/{schedule_id}/unpause', sid(id)))
              : verb === 'trigger'
                ? await ok(client.POST('/v1/schedules/{schedule_id}/trigger', sid(id)))
                : await ok(client.DELETE('/v1/schedules/{schedule_id}', sid(id)));
        ctx().print(answer ?? { schedule_id: id }, () => [
          `schedule ${id}: ${verb === 'delete' ? 'deleted' : `${verb}d`}`,
        ]);
      });
  return schedules;
}
