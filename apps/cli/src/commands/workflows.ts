import { Command, Option } from 'commander';
import { describeFieldErrors, ok, type Schema } from '@ordo/client';
import { CliFailure, UsageError } from '../cli-error';
import type { CommandContext } from '../context';
import { readDefinitionFile } from '../definition-file';
import { fields, table } from '../table';

type Workflow = Schema<'Workflow'>;
const STATUSES = ['DRAFT', 'PUBLISHED', 'ARCHIVED'] as const;

const describeWorkflow = (
  w: Omit<Workflow, 'published_version'> & { version?: number; published_version?: number | null },
): string[] => [
  ...fields([
    ['workflow_id', w.workflow_id],
    ['name', w.name],
    ['version', w.version],
    ['status', w.status],
    ['published_version', w.published_version],
    ['description', w.description],
    ['inputs', w.input_variables.map((v) => `${v.variable_id}${v.required ? '' : '?'}`).join(', ')],
  ]),
  ...w.steps.map((s) => `  ${s.step_id}  ${s.type}${s.type === 'tool' ? ` ${s.tool.tool_id}` : ''}`),
];

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} takes a positive whole number, not '${value}'`);
  return n;
};

/** `ordo workflows …`: definitions from JSON or YAML files. */
export function workflowsCommand(ctx: () => CommandContext): Command {
  const workflows = new Command('workflows').description('list, validate, apply, publish and archive workflows');
  const wf = (workflow_id: string) => ({ params: { path: { workflow_id } } });

  workflows
    .command('list')
    .description('each workflow at its latest version (or its latest with --status)')
    .addOption(new Option('--status <status>').choices(STATUSES))
    .option('--limit <n>', 'at most this many (1–200)', positive('--limit'))
    .option('--cursor <cursor>', 'the page after a previous answer')
    .action(async (opts: { status?: (typeof STATUSES)[number]; limit?: number; cursor?: string }) => {
      const page = await ok(
        ctx()
          .client()
          .GET('/v1/workflows', {
            params: {
              query: {
                ...(opts.status && { status: opts.status }),
                ...(opts.limit && { limit: opts.limit }),
                ...(opts.cursor && { cursor: opts.cursor }),
              },
            },
          }),
      );
      ctx().print(page, (p) => [
        ...table(
          ['WORKFLOW', 'VERSION', 'STATUS', 'NAME'],
          p.items.map((w) => [w.workflow_id, w.version, w.status, w.name]),
        ),
        ...(p.next_cursor ? [`more: --cursor ${p.next_cursor}`] : []),
      ]);
    });

  workflows
    .command('get')
    .description('a workflow at its latest version, or at --version')
    .argument('<workflow_id>')
    .option('--version <n>', 'this version', positive('--version'))
    .action(async (workflowId: string, opts: { version?: number }) => {
      const client = ctx().client();
      const workflow = await ok(
        opts.version === undefined
          ? client.GET('/v1/workflows/{workflow_id}', wf(workflowId))
          : client.GET('/v1/workflows/{workflow_id}/versions/{version}', {
              params: { path: { workflow_id: workflowId, version: opts.version } },
            }),
      );
      ctx().print(workflow, describeWorkflow);
    });

  workflows
    .command('versions')
    .description("a workflow's versions, newest first")
    .argument('<workflow_id>')
    .action(async (workflowId: string) => {
      const page = await ok(ctx().client().GET('/v1/workflows/{workflow_id}/versions', wf(workflowId)));
      ctx().print(page, (p) =>
        table(
          ['VERSION', 'STATUS', 'NAME', 'UPDATED'],
          p.items.map((v) => [v.version, v.status, v.name, v.updated_at]),
        ),
      );
    });

  workflows
    .command('validate')
    .description('check a definition against every rule (exit 1 when one breaks), saving nothing')
    .requiredOption('-f, --file <path>', 'the definition, JSON or YAML (- for standard input)')
    .action(async (opts: { file: string }) => {
      const definition = readDefinitionFile(opts.file);
      const result = await ok(
        ctx()
          .client()
          .POST('/v1/workflows/validate', { body: definition as never }),
      );
      ctx().print(result, (r) => (r.valid ? [`${opts.file}: valid`] : [`${opts.file}: invalid`]));
      if (!result.valid)
        throw new CliFailure(
          `${opts.file} breaks ${result.errors.length} rule(s):`,
          describeFieldErrors(result.errors),
        );
    });

  workflows
    .command('apply')
    .description('create the workflow, or a new DRAFT version of it when it exists; --publish publishes it')
    .requiredOption('-f, --file <path>', 'the definition, JSON or YAML (- for standard input)')
    .option('--publish', 'publish what was applied')
    .action(async (opts: { file: string; publish?: boolean }) => {
      const client = ctx().client();
      const definition = readDefinitionFile(opts.file);
      const workflowId = definition.workflow_id;
      if (typeof workflowId !== 'string' || workflowId === '')
        throw new UsageError(`${opts.file} has no workflow_id: apply needs one to know which workflow it is`);
      const existing = await client.GET('/v1/workflows/{workflow_id}', wf(workflowId));
      let applied: { workflow_id: string; version: number; status: string };
      if (existing.response.status === 404) {
        const { status: _status, ...rest } = definition;
        const created = await ok(
          client.POST('/v1/workflows', {
            body: { ...rest, status: opts.publish ? 'PUBLISHED' : 'DRAFT' } as never,
          }),
        );
        applied = created;
      } else {
        await ok(existing);
        const { workflow_id: _id, status: _status, ...rest } = definition;
        const draft = await ok(
          client.POST('/v1/workflows/{workflow_id}/versions', { ...wf(workflowId), body: rest as never }),
        );
        applied = draft;
        if (opts.publish)
          applied = await ok(
            client.POST('/v1/workflows/{workflow_id}/versions/{version}/publish', {
              params: { path: { workflow_id: workflowId, version: applied.version } },
            }),
          );
      }
      ctx().print(applied, (a) => [`workflow ${a.workflow_id} version ${a.version}: ${a.status}`]);
    });

  for (const verb of ['publish', 'archive'] as const)
    workflows
      .command(verb)
      .description(verb === 'publish' ? 'DRAFT → PUBLISHED (new jobs take it)' : '→ ARCHIVED: no new jobs')
      .argument('<workflow_id>')
      .argument('[version]', 'the version (the latest by default)', positive('version'))
      .action(async (workflowId: string, version: number | undefined) => {
        const client = ctx().client();
        const v = version ?? (await ok(client.GET('/v1/workflows/{workflow_id}', wf(workflowId)))).version;
        const params = { params: { path: { workflow_id: workflowId, version: v } } };
        const answer =
          verb === 'publish'
            ? await ok(client.POST('/v1/workflows/{workflow_id}/versions/{version}/publish', params))
            : await ok(client.POST('/v1/workflows/{workflow_id}/versions/{version}/archive', params));
        ctx().print(answer, (a) => [`workflow ${a.workflow_id} version ${a.version}: ${a.status}`]);
      });

  return workflows;
}
