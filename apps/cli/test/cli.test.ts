import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '@ordo/core';
import { pollUntil, TEST_API_KEY, withApiKey } from '@ordo/testing';
import { ORDO_BIN, runCli, startCliStack, tmuxPath, type CliStack } from './cli-stack';

/**
 * The `ordo` CLI as a child process against a real API and worker (real Temporal, real
 * SQLite): workflows applied from YAML, jobs run and watched to COMPLETED and to FAILED,
 * `--json` parsed, a problem printed with its fields, and the watch display in a terminal
 * (tmux): redrawn in place, Ctrl-C exiting 130 with the job left running.
 */
describe('ordo CLI', () => {
  let stack: CliStack;
  let dir: string;

  beforeAll(async () => {
    stack = await startCliStack('cli');
    dir = mkdtempSync(join(tmpdir(), 'ordo-cli-'));
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const getJob = async (jobId: string) =>
    Job.parse(await (await fetch(`${stack.base}/v1/jobs/${jobId}`, withApiKey({}, TEST_API_KEY))).json());

  it('applies a YAML workflow and publishes it', async () => {
    writeFileSync(
      join(dir, 'naps.yaml'),
      [
        'workflow_id: wf_cli_naps',
        'name: Naps',
        'input_variables:',
        '  - { variable_id: ms, name: ms, required: true, schema: { type: number, integer: true } }',
        'steps:',
        '  - step_id: first_nap',
        '    tool: { tool_id: sleep, name: sleep }',
        '    parameter_mappings: { ms: ms }',
        '    output_mappings: {}',
        '  - step_id: second_nap',
        '    tool: { tool_id: sleep, name: sleep }',
        '    parameter_mappings: { ms: 500 }',
        '    output_mappings: {}',
        '',
      ].join('\n'),
    );
    const applied = await runCli(stack, ['workflows', 'apply', '-f', 'naps.yaml', '--publish'], dir);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('workflow wf_cli_naps version 1: PUBLISHED');

    // Applied again: a new version, published, as JSON.
    const again = await runCli(stack, ['--json', 'workflows', 'apply', '-f', 'naps.yaml', '--publish'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ workflow_id: 'wf_cli_naps', version: 2, status: 'PUBLISHED' });
    const got = await runCli(stack, ['--json', 'workflows', 'get', 'wf_cli_naps']);
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ workflow_id: 'wf_cli_naps', status: 'PUBLISHED' });

    writeFileSync(
      join(dir, 'fails.json'),
      JSON.stringify({
        workflow_id: 'wf_cli_fails',
        name: 'Fails',
        steps: [
          {
            step_id: 'doomed',
            tool: { tool_id: 'fail', name: 'fail' },
            parameter_mappings: {
              code: { const: 'INVALID_PARAMETERS' },
              message: { const: 'the ledger does not balance' },
            },
            output_mappings: {},
          },
        ],
      }),
    );
    const fails = await runCli(stack, ['workflows', 'apply', '-f', 'fails.json', '--publish'], dir);
    expect(fails.code, fails.stderr).toBe(0);
  });

  it('runs a job with --watch to COMPLETED: exit 0, one line per step appended when piped', async () => {
    const run = await runCli(stack, ['jobs', 'run', 'wf_cli_naps', '--input', 'ms=2500', '--watch']);
    expect(run.code, run.stderr).toBe(0);
    const jobId = /started job (\S+)/.exec(run.stdout)?.[1];
    expect(jobId).toBeDefined();
    expect(run.stdout).toMatch(/first_nap\s+RUNNING/);
    expect(run.stdout).toMatch(/first_nap\s+COMPLETED\s+attempt 1/);
    expect(run.stdout).toMatch(/second_nap\s+COMPLETED/);
    // Piped: no cursor movement, lines appended.
    expect(run.stdout).not.toContain('\x1b[');
    expect(run.stdout).toContain(`Job ${jobId} COMPLETED.`);
    expect((await getJob(jobId!)).status).toBe('COMPLETED');

    const listed = await runCli(stack, ['--json', 'jobs', 'list', '--workflow', 'wf_cli_naps']);
    expect(listed.code, listed.stderr).toBe(0);
    const page = JSON.parse(listed.stdout) as { items: { job_id: string; status: string }[] };
    expect(page.items).toContainEqual(expect.objectContaining({ job_id: jobId, status: 'COMPLETED' }));
  });

  it('runs a job with --watch to FAILED: exit 1, the error printed; --json prints the final job', async () => {
    const run = await runCli(stack, ['--json', 'jobs', 'run', 'wf_cli_fails', '--watch']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: job \S+ FAILED at step doomed: .*the ledger does not balance/);
    const job = Job.parse(JSON.parse(run.stdout));
    expect(job.status).toBe('FAILED');
    expect(job.steps[0]!.status).toBe('FAILED');
  });

  it('reads the API from a config file; files, tools, events, retry plans and schedules', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ api_url: stack.base, api_key: TEST_API_KEY }));
    const withConfig = { ...stack, cliEnv: {} };
    const tools = await runCli(withConfig, ['--json', '--config', config, 'tools', 'list']);
    expect(tools.code, tools.stderr).toBe(0);
    const toolIds = (JSON.parse(tools.stdout) as { items: { tool_id: string }[] }).items.map((t) => t.tool_id);
    expect(toolIds).toEqual(expect.arrayContaining(['pdf_extractor', 'sleep', 'fail']));
    // No key: the API's 401, its detail printed.
    const noKey = await runCli({ ...stack, cliEnv: { ORDO_API_URL: stack.base } }, ['tools', 'list']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/^error: .*key/i);

    writeFileSync(join(dir, 'notes.txt'), 'quarterly notes');
    const uploaded = await runCli(stack, ['--json', 'files', 'upload', 'notes.txt'], dir);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    expect(JSON.parse(uploaded.stdout)).toMatchObject({ name: 'notes.txt', mime_type: 'text/plain', size: 15 });

    // The failed job of the test before: its events to the final one, and a retry's plan.
    const failed = JSON.parse(
      (await runCli(stack, ['--json', 'jobs', 'list', '--workflow', 'wf_cli_fails', '--status', 'FAILED'])).stdout,
    ) as { items: { job_id: string }[] };
    const jobId = failed.items[0]!.job_id;
    const events = await runCli(stack, ['--json', 'jobs', 'events', jobId]);
    expect(events.code, events.stderr).toBe(0);
    const types = events.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types[0]).toBe('job.started');
    expect(types).toContain('step.failed');
    expect(types.at(-1)).toBe('job.failed');
    const plan = await runCli(stack, ['--json', 'jobs', 'retry', jobId, '--dry-run']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ dry_run: true, plan: { from_step_id: 'doomed' } });

    writeFileSync(
      join(dir, 'hourly.yaml'),
      [
        'schedule_id: sch_cli_hourly',
        'workflow_id: wf_cli_naps',
        'input_values: { ms: 100 }',
        'spec: { interval: 1h }',
        'paused: true',
        '',
      ].join('\n'),
    );
    const created = await runCli(stack, ['schedules', 'create', '-f', 'hourly.yaml'], dir);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('schedule sch_cli_hourly created');
    const listed = await runCli(stack, ['schedules', 'list']);
    expect(listed.stdout).toMatch(/sch_cli_hourly\s+wf_cli_naps\s+yes/);
    expect((await runCli(stack, ['schedules', 'trigger', 'sch_cli_hourly'])).code).toBe(0);
    await pollUntil(
      async () =>
        JSON.parse((await runCli(stack, ['--json', 'jobs', 'list', '--schedule', 'sch_cli_hourly'])).stdout) as {
          items: unknown[];
        },
      (page) => page.items.length === 1,
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );

    // Updated from a file (PATCH: the inputs given replace the schedule's, the rest stays).
    writeFileSync(join(dir, 'hourly-patch.yaml'), 'input_values: { ms: 200 }\n');
    const updated = await runCli(stack, ['schedules', 'update', 'sch_cli_hourly', '-f', 'hourly-patch.yaml'], dir);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toContain('schedule sch_cli_hourly updated');
    const patched = JSON.parse((await runCli(stack, ['--json', 'schedules', 'get', 'sch_cli_hourly'])).stdout) as {
      input_values: unknown;
      spec: { intervals: { every: string }[] };
    };
    expect(patched.input_values).toEqual({ ms: 200 });
    expect(patched.spec.intervals).toHaveLength(1);
    // Backfilled over the two whole hours before the last one (paused, it still runs them): a job per hour.
    const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 1_000);
    const start = new Date(end.getTime() - 2 * 3_600_000);
    const window = ['--start', start.toISOString(), '--end', end.toISOString()];
    const misused = await runCli(stack, ['schedules', 'backfill', 'sch_cli_hourly', ...window, '--overlap', 'NEVER']);
    expect(misused.code).toBe(2);
    const backfilled = await runCli(stack, [
      '--json',
      'schedules',
      'backfill',
      'sch_cli_hourly',
      ...window,
      '--overlap',
      'ALLOW_ALL',
    ]);
    expect(backfilled.code, backfilled.stderr).toBe(0);
    expect(JSON.parse(backfilled.stdout)).toEqual({ schedule_id: 'sch_cli_hourly', accepted: true });
    const scheduled = await pollUntil(
      async () =>
        JSON.parse((await runCli(stack, ['--json', 'jobs', 'list', '--schedule', 'sch_cli_hourly'])).stdout) as {
          items: { job_id: string }[];
        },
      (page) => page.items.length === 3,
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    // Each backfilled job is named by its scheduled time (the window's two hours; the triggered
    // job's is now) and runs the patched inputs.
    const scheduledAt = (jobId: string) => new Date(jobId.slice('sch_cli_hourly-'.length));
    const backfilledJobs = scheduled.items.filter((j) => scheduledAt(j.job_id).getTime() <= end.getTime());
    expect(backfilledJobs.map((j) => scheduledAt(j.job_id).getTime()).sort((a, b) => a - b)).toEqual([
      start.getTime() + 1_000,
      start.getTime() + 1_000 + 3_600_000,
    ]);
    for (const { job_id } of backfilledJobs) expect((await getJob(job_id)).input_values).toEqual({ ms: 200 });
    // An end before the start: the API's 422, its field printed.
    const reversed = await runCli(stack, [
      'schedules',
      'backfill',
      'sch_cli_hourly',
      '--start',
      end.toISOString(),
      '--end',
      start.toISOString(),
    ]);
    expect(reversed.code).toBe(1);
    expect(reversed.stderr).toContain('end_at');
    expect((await runCli(stack, ['schedules', 'unpause', 'sch_cli_hourly'])).code).toBe(0);
    expect((await runCli(stack, ['schedules', 'delete', 'sch_cli_hourly'])).code).toBe(0);
    expect((await runCli(stack, ['schedules', 'get', 'sch_cli_hourly'])).code).toBe(1);
  });

  it('confirms a waiting step while another CLI watches the job to COMPLETED', async () => {
    writeFileSync(
      join(dir, 'confirm.json'),
      JSON.stringify({
        workflow_id: 'wf_cli_confirm',
        name: 'Confirm',
        steps: [
          {
            step_id: 'verify',
            type: 'sys.human_confirm',
            confirm: {
              prompt: 'Is it genuine?',
              schema: { type: 'object', properties: { verified: { type: 'boolean' } }, required: ['verified'] },
            },
            output_mappings: { verified: 'verified' },
          },
        ],
        output_variables: ['verified'],
      }),
    );
    expect((await runCli(stack, ['workflows', 'apply', '-f', 'confirm.json', '--publish'], dir)).code).toBe(0);
    const started = await runCli(stack, ['--json', 'jobs', 'run', 'wf_cli_confirm']);
    expect(started.code, started.stderr).toBe(0);
    const jobId = Job.parse(JSON.parse(started.stdout)).job_id;
    let shown = '';
    const watching = runCli(stack, ['jobs', 'watch', jobId], undefined, (chunk) => (shown += chunk));
    // The watcher (a process of its own, slow to start) must have drawn the waiting step before
    // anyone confirms it; else it may first see the job already COMPLETED.
    await pollUntil(
      () => Promise.resolve(shown),
      (text) => /verify\s+(RUNNING|PENDING).*waiting for confirmation/.test(text),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // Refused (409 STEP_NOT_WAITING) until the run reaches the step.
    const confirmed = await pollUntil(
      () => runCli(stack, ['jobs', 'confirm', jobId, 'verify', '--payload', '{"verified":true}']),
      (run) => run.code === 0 || !run.stderr.includes('not waiting'),
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(confirmed.code, confirmed.stderr).toBe(0);
    const watched = await watching;
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stdout).toMatch(/verify\s+(RUNNING|PENDING).*waiting for confirmation/);
    expect(watched.stdout).toMatch(/verify\s+COMPLETED/);
    expect((await getJob(jobId)).output_data).toEqual({ verified: true });
  });

  it("prints a problem's detail and each field error, never a stack: exit 1; misuse exits 2", async () => {
    writeFileSync(
      join(dir, 'broken.yaml'),
      [
        'workflow_id: wf_cli_broken',
        'name: Broken',
        'steps:',
        '  - step_id: a',
        '    tool: { tool_id: no_such_tool, name: x }',
        '    parameter_mappings: {}',
        '    output_mappings: {}',
        '  - step_id: a',
        '    tool: { tool_id: sleep, name: sleep }',
        '    parameter_mappings: {}',
        '    output_mappings: {}',
        '',
      ].join('\n'),
    );
    const applied = await runCli(stack, ['workflows', 'apply', '-f', 'broken.yaml', '--publish'], dir);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(/^error: /);
    // Each broken rule on a line of its own: the field and the rule.
    expect(applied.stderr).toMatch(/\n {2}steps\.\d[^:\n]*: .+/);
    expect(applied.stderr).toContain("  steps.1.step_id: duplicate step_id 'a' [unique_step_ids]");
    expect(applied.stderr).not.toMatch(/\n\s+at /);

    const missing = await runCli(stack, ['--json', 'jobs', 'get', 'job_does_not_exist']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { status: 404, code: 'NOT_FOUND' } });
    expect(missing.stderr).toMatch(/^error: .+/);

    const misused = await runCli(stack, ['jobs', 'run', 'wf_cli_naps', '--input', 'no-equals-sign']);
    expect(misused.code).toBe(2);
    expect(misused.stderr).toContain('--input takes NAME=VALUE');
    expect((await runCli(stack, ['jobs', 'frobnicate'])).code).toBe(2);
  });

  it('draws the watch display in a terminal, redrawn in place; Ctrl-C exits 130 and leaves the job running', async () => {
    const tmux = tmuxPath();
    const socket = join(dir, 'tmux.sock');
    const t = (...args: string[]) => execFileSync(tmux, ['-S', socket, ...args], { encoding: 'utf8' });
    const env = Object.entries(stack.cliEnv).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const command = `${process.execPath} ${ORDO_BIN} jobs run wf_cli_naps --input ms=60000 --watch; echo EXIT=$?; sleep 600`;
    t('new-session', '-d', '-x', '150', '-y', '40', ...env, command);
    try {
      const pane = () => t('capture-pane', '-p');
      // Two frames some seconds apart: the progress moved on, each step still on one line.
      const first = await pollUntil(
        () => Promise.resolve(pane()),
        (p) => /Slept [1-9]\d* of 60 s/.test(p),
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      const sleptIn = (p: string) => Number(/Slept (\d+) of 60 s/.exec(p)?.[1]);
      const later = await pollUntil(
        () => Promise.resolve(pane()),
        (p) => sleptIn(p) >= sleptIn(first) + 2,
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      for (const frame of [first, later]) {
        expect(frame.match(/first_nap/g), frame).toHaveLength(1);
        expect(frame.match(/second_nap/g), frame).toHaveLength(1);
        expect(frame).toMatch(/first_nap\s+RUNNING\s+attempt 1\S*\s+\d+\.\ds\s+Slept \d+ of 60 s\s+\[#*-*\]\s+\d+%/);
      }
      const jobId = /started job (\S+)/.exec(later)?.[1];
      expect(jobId, later).toBeDefined();

      t('send-keys', 'C-c');
      const ended = await pollUntil(
        () => Promise.resolve(pane()),
        (p) => p.includes('EXIT='),
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(ended).toContain('EXIT=130');
      expect(ended).toContain(`Job ${jobId} is still RUNNING: it goes on running`);
      expect((await getJob(jobId!)).status).toBe('RUNNING');

      const cancelled = await runCli(stack, ['jobs', 'cancel', jobId!]);
      expect(cancelled.code, cancelled.stderr).toBe(0);
      await pollUntil(
        () => getJob(jobId!),
        (j) => j.status === 'FAILED',
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    } finally {
      t('kill-server');
    }
  });
});
