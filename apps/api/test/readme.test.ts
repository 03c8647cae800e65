import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionState, Job, RetryPlan } from '@ordo/core';
import {
  childProcessEnv,
  devStackConfig,
  startCheckedProxy,
  startDevStack,
  temporalCliPath,
  waitForOk,
  type CheckedProxy,
  type DevStack,
  type DevStackConfig,
} from '@ordo/testing';
import {
  createJob,
  getJob,
  remoteApi,
  startJob,
  toolStepDefinition,
  waitForEnd,
  waitForJob,
  type ApiRequester,
} from './harness';
import { fencedBlocks, sectionOf, shellCommands } from './markdown-sections';
import { ShellSession, type LineRun } from './shell-session';

/**
 * The README executed: the `sh` blocks of its walk-through and of its *Control* paragraph,
 * found by their headings (so an edit to them is what runs, and a block that disappears
 * fails here), run line by line with bash, as written, against a real dev stack
 * (`infra/dev.sh` on free ports with a data folder of its own).
 *
 * What the test sets is only what the README presents as the reader's own settings:
 * - `API=`: the one `API=http://127.0.0.1:3000` line is given the stack's URL instead (that
 *   of a proxy in front of it which checks every answer against the OpenAPI document, as
 *   all API tests do, and changes nothing in the requests);
 * - `.data`: the lines run in a folder that stands for the repository (a symlink to each of
 *   its entries) whose `.data` is the stack's data folder, so `cat .data/api-key` reads the
 *   stack's key, `infra/seed/…` the repository's files, and a `.data` of a real `./ordo dev`
 *   in the checkout is neither read nor touched;
 * - `temporal` on `PATH` and `TEMPORAL_ADDRESS` naming the stack's server, where a reader's
 *   `temporal` would reach their `./ordo dev` on its default address.
 * The control commands need a job in the right state: before such a line the test makes
 * one and sets `JOB_ID` to it, as a reader would pick the job to act on.
 */

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const README = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const WALK_THROUGH_HEADING = "### Walk-through: seed 002's example over HTTP";
const CONTROL_LEAD = '**Control**';
/** The walk-through's one setting of the API's URL: `./ordo dev`'s default. */
const API_LINE = 'API=http://127.0.0.1:3000';

/** The walk-through's `sh` block and the control paragraph's, each required to be there once. */
function readmeBlocks(): { walkThrough: string; control: string } {
  const section = sectionOf(README, WALK_THROUGH_HEADING);
  const [before, after, ...more] = section.split(CONTROL_LEAD);
  if (after === undefined || more.length > 0)
    throw new Error(`the walk-through should have one '${CONTROL_LEAD}' paragraph`);
  const walkThrough = fencedBlocks(before ?? '', 'sh');
  const control = fencedBlocks(after, 'sh');
  if (walkThrough.length !== 1)
    throw new Error(`the walk-through should have one sh block before '${CONTROL_LEAD}', not ${walkThrough.length}`);
  if (control.length !== 1)
    throw new Error(`the '${CONTROL_LEAD}' paragraph should have one sh block, not ${control.length}`);
  return { walkThrough: walkThrough[0] ?? '', control: control[0] ?? '' };
}

/** What the README says a command does, checked after it ran; `before` sets up the state it needs. */
interface Expectation {
  /** Which README command this is: a block's commands must match the expectations one to one, in order. */
  command: RegExp;
  before?: () => Promise<void>;
  check: (run: LineRun) => Promise<void> | void;
}

/** The JSON a command printed. */
function printed(run: LineRun): unknown {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`it printed no JSON: ${run.stdout.slice(0, 500)}`);
  }
}

/** What a command that should succeed printed: a problem instead (415, 409, …) fails naming it. */
function answered(run: LineRun): Record<string, unknown> {
  const body = printed(run) as Record<string, unknown>;
  if (typeof body.status === 'number')
    throw new Error(`it answered ${body.status} ${String(body.code)}: ${String(body.detail)}`);
  return body;
}

/** The job a command answered. */
const answeredJob = (run: LineRun): Job => Job.parse(answered(run));

describe('the README, executed against a real dev stack', () => {
  let root: string;
  let config: DevStackConfig;
  let stack: DevStack;
  let proxy: CheckedProxy;
  let api: ApiRequester;
  let shell: ShellSession;
  // Read when the file loads; a block that is missing fails each test that needs it (below), naming what is missing.
  const found = ((): ReturnType<typeof readmeBlocks> | Error => {
    try {
      return readmeBlocks();
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  })();
  const blocks = (): ReturnType<typeof readmeBlocks> => {
    if (found instanceof Error) throw found;
    return found;
  };

  /**
   * Runs a block's commands in order, each after its `before` and followed by its `check`
   * and the OpenAPI check of every answer it got. Every line runs; the failures are listed
   * together, each naming its line, so one bad line does not hide the next.
   */
  async function runBlock(block: string, expectations: Expectation[]): Promise<void> {
    const commands = shellCommands(block);
    expect(
      commands.map((command, i) => expectations[i]?.command.test(command) ?? false),
      `the block's commands, one expectation each (update the test with the README):\n${commands.join('\n')}`,
    ).toEqual(commands.map(() => true));
    expect(commands).toHaveLength(expectations.length);
    const failures: string[] = [];
    for (const [i, command] of commands.entries()) {
      const expectation = expectations[i] as Expectation;
      const line = command === API_LINE ? `API=${proxy.url}` : command;
      let run: LineRun | undefined;
      try {
        await expectation.before?.();
        run = await shell.run(line);
        expect(run.status, `exit status; stderr: ${run.stderr.slice(0, 1000)}`).toBe(0);
        await expectation.check(run);
      } catch (error) {
        failures.push(
          `${command}\n    → ${error instanceof Error ? error.message.split('\n').slice(0, 6).join('\n      ') : String(error)}${run ? `\n    printed: ${run.stdout.slice(0, 300)}` : ''}`,
        );
      }
      for (const mismatch of proxy.takeMismatches())
        failures.push(`${command}\n    → an answer the OpenAPI document does not declare: ${mismatch}`);
    }
    expect(failures, `README lines that did not do what the README says:\n\n${failures.join('\n\n')}`).toEqual([]);
  }

  /** A running job of the test's own workflow, its first step under way: something to pause or cancel. */
  async function runningJob(): Promise<Job> {
    const job = await createJob(
      api,
      {
        input_variables: [{ name: 'label', variable_id: 'label', required: true, schema: { type: 'string' } }],
        steps: [
          toolStepDefinition('first_nap', 'sleep', { ms: 60_000 }),
          toolStepDefinition('second_nap', 'sleep', { ms: 60_000 }),
        ],
      },
      { label: 'readme' },
    );
    await startJob(api, job.job_id);
    return waitForJob(api, job.job_id, (j) => j.steps[0]?.status === 'RUNNING');
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ordo-readme-'));
    const checkout = join(root, 'checkout');
    await mkdir(checkout);
    for (const entry of await readdir(repoRoot))
      if (entry !== '.data') await symlink(join(repoRoot, entry), join(checkout, entry));
    const dataDir = join(checkout, '.data');
    await mkdir(dataDir);
    const bin = join(root, 'bin');
    await mkdir(bin);
    await symlink(await temporalCliPath(), join(bin, 'temporal'));

    // The test tools (sleep, fail) beside the catalog: the jobs the control commands act on.
    config = await devStackConfig(dataDir, { ORDO_TEST_TOOLS: '1' });
    stack = startDevStack(config);
    await waitForOk(`${config.api}/ready`, 180_000);
    const key = (await readFile(join(dataDir, 'api-key'), 'utf8')).trim();
    await waitForOk(`${config.api}/v1/workflows/wf_analyze_document`, 60_000, key);
    api = remoteApi(config.api, key);
    proxy = await startCheckedProxy(config.api);

    const variables =
      found instanceof Error
        ? []
        : [
            ...new Set(
              shellCommands(`${found.walkThrough}\n${found.control}`).flatMap(
                (c) => /^([A-Za-z_]\w*)=/.exec(c)?.[1] ?? [],
              ),
            ),
          ];
    shell = await ShellSession.create({
      cwd: checkout,
      env: childProcessEnv({ TEMPORAL_ADDRESS: config.temporalAddress }, [bin, dirname(process.execPath)]),
      variables,
    });
  }, 240_000);

  afterAll(async () => {
    await shell?.remove();
    await proxy?.close();
    await stack?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('runs the walk-through: upload, create (PENDING, two input errors), a refused input, start, follow, the output', async () => {
    const inputErrors = { input_doc: 'document is required', depth: 'analysis_depth is required' };
    const depthRule = 'analysis_depth must be one of basic, detailed, comprehensive';
    // What the README promises is what is checked.
    const { walkThrough } = blocks();
    expect(walkThrough).toContain(JSON.stringify(inputErrors));
    expect(walkThrough).toContain(`"${depthRule}"`);
    expect(shellCommands(walkThrough).filter((c) => c === API_LINE)).toHaveLength(1);

    let fileId = '';
    let jobId = '';
    await runBlock(walkThrough, [
      { command: /^API=/, check: async () => expect(await shell.get('API')).toBe(proxy.url) },
      {
        command: /^ORDO_API_KEY=\$\(cat \.data\/api-key\)/,
        check: async () => expect(await shell.get('ORDO_API_KEY')).toMatch(/^ordo_dev_/),
      },
      { command: /^api\(\) \{/, check: () => {} },
      { command: /^json\(\) \{/, check: () => {} },
      {
        command: /^FILE_ID=\$\(api -F file=@infra\/seed\/q4-report\.pdf/,
        check: async () => {
          fileId = await shell.get('FILE_ID');
          expect(fileId).toMatch(/^file_/);
          const file = (await (await api.request(`/v1/files/${fileId}`)).json()) as { name: string; mime_type: string };
          expect(file).toMatchObject({ name: 'q4-report.pdf', mime_type: 'application/pdf' });
        },
      },
      {
        command: /^JOB_ID=\$\(api -X POST \$API\/v1\/jobs /,
        check: async () => {
          jobId = await shell.get('JOB_ID');
          // The create's answer went to `json v.job_id`; the job it made is read back as it is now.
          const job = await getJob(api, jobId);
          expect(job).toMatchObject({
            status: 'PENDING',
            input_errors: inputErrors,
            workflow_id: 'wf_analyze_document',
          });
        },
      },
      {
        command: /inputs\/depth .*"deep"/,
        check: async (run) => {
          expect(printed(run)).toMatchObject({ status: 422, errors: [{ field: 'value', message: depthRule }] });
          expect((await getJob(api, jobId)).input_values).not.toHaveProperty('depth');
        },
      },
      {
        command: /inputs\/input_doc /,
        check: (run) =>
          expect(answeredJob(run).input_values).toMatchObject({
            input_doc: { file_id: fileId, name: 'q4-report.pdf' },
          }),
      },
      {
        command: /^api \$API\/v1\/jobs\/\$JOB_ID\/inputs\s/,
        check: (run) =>
          expect(printed(run)).toMatchObject({
            valid: false,
            input_values: { input_doc: { file_id: fileId } },
            input_errors: { depth: inputErrors.depth },
          }),
      },
      {
        command: /\/start .*"depth": "detailed"/,
        check: (run) => {
          const started = answeredJob(run);
          expect(started.status).toBe('RUNNING');
          expect(started.input_values).toMatchObject({ depth: 'detailed' });
        },
      },
      {
        command: /^until s=\$\(api \$API\/v1\/jobs\/\$JOB_ID /,
        check: (run) => {
          const seen = run.stdout.trim().split('\n');
          expect(seen.at(-1)).toMatch(/^COMPLETED /);
        },
      },
      {
        command: /\/execution-state/,
        check: (run) => expect(ExecutionState.parse(printed(run)).status).toBe('COMPLETED'),
      },
      {
        command: /output_data, null, 2/,
        check: async (run) => {
          const output = printed(run) as {
            final_analysis?: { summary?: unknown; key_metrics?: Record<string, unknown> };
          };
          expect(Object.keys(output)).toEqual(['final_analysis']);
          expect(output.final_analysis?.summary).toEqual(expect.any(String));
          expect(output.final_analysis?.key_metrics).toMatchObject({ revenue: '10.5M', growth: '15%' });
          const job = await getJob(api, jobId);
          expect(job.status).toBe('COMPLETED');
          expect(job.steps[0]?.output_data?.extracted_text).toEqual(expect.stringContaining('Revenue'));
        },
      },
    ]);
  }, 300_000);

  it('runs the control commands, each on a job in the state it needs, through the API and the Temporal CLI', async () => {
    const setJob = (job: Job) => shell.set('JOB_ID', job.job_id);
    let running: Job | undefined;
    let failed: Job | undefined;
    let signalled: Job | undefined;
    const cancelled = (job: Job) =>
      expect(job).toMatchObject({ status: 'FAILED', error_message: 'Job cancelled by user' });
    const { control } = blocks();
    expect(control).toContain('"Job cancelled by user"');
    expect(control).toContain('is_paused: true');

    await runBlock(control, [
      {
        command: /\/pause\s/,
        before: async () => setJob((running = await runningJob())),
        check: (run) =>
          expect(answeredJob(run)).toMatchObject({ status: 'RUNNING', execution_progress: { is_paused: true } }),
      },
      {
        command: /\/resume\s*$/,
        check: (run) =>
          expect(answeredJob(run)).toMatchObject({ status: 'RUNNING', execution_progress: { is_paused: false } }),
      },
      { command: /\/cancel\s/, check: (run) => cancelled(answeredJob(run)) },
      {
        command: /\/reset\s/,
        check: (run) => {
          const reset = answeredJob(run);
          expect(reset.status).toBe('PENDING');
          expect(reset.input_values).toEqual(running?.input_values);
        },
      },
      {
        command: /\/retry\?dry_run=true"/,
        before: async () => {
          // A run that failed at its second step: the first one's output is what a retry reuses.
          const job = await createJob(api, {
            steps: [
              toolStepDefinition('prepare', 'noop', { value: 'ready' }),
              toolStepDefinition('check', 'fail', { code: 'DELIBERATE_FAILURE', message: 'the check failed' }),
            ],
          });
          await startJob(api, job.job_id);
          failed = await waitForEnd(api, job.job_id);
          expect(failed.status).toBe('FAILED');
          await setJob(failed);
        },
        check: (run) => {
          const answer = answered(run);
          expect(answer.dry_run).toBe(true);
          expect(RetryPlan.parse(answer.plan)).toMatchObject({
            from_step_id: 'check',
            reused: ['prepare'],
            runs: ['check'],
          });
        },
      },
      {
        command: /\/retry"\s/,
        check: async (run) => {
          const answer = answered(run);
          expect(RetryPlan.parse(answer.plan)).toMatchObject({ reused: ['prepare'], runs: ['check'] });
          expect(Job.parse(answer.job).runs).toHaveLength(2);
          expect((await getJob(api, failed?.job_id ?? '')).runs).toHaveLength(2);
        },
      },
      {
        command: /^temporal workflow signal --workflow-id \$JOB_ID --name pause$/,
        before: async () => setJob((signalled = await runningJob())),
        check: async () =>
          expect((await waitForJob(api, signalled?.job_id ?? '', (j) => j.execution_progress.is_paused)).status).toBe(
            'RUNNING',
          ),
      },
      {
        command: /^temporal workflow signal --workflow-id \$JOB_ID --name resume$/,
        check: async () =>
          expect((await waitForJob(api, signalled?.job_id ?? '', (j) => !j.execution_progress.is_paused)).status).toBe(
            'RUNNING',
          ),
      },
      {
        command: /^temporal workflow cancel --workflow-id \$JOB_ID$/,
        check: async () => cancelled(await waitForEnd(api, signalled?.job_id ?? '')),
      },
    ]);
  }, 300_000);
});
