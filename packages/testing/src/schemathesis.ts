import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { TEST_API_KEY } from './api-key';
import { childProcessEnv, loadTestEnv } from './env';
import type { FuzzData } from './fuzz-data';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');

/** The path of Schemathesis' `st`, installed by `infra/install-schemathesis.sh` when missing or when its pins changed. */
export function installSchemathesis(): string {
  return execFileSync('bash', [join(repoRoot, 'infra', 'install-schemathesis.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** The parts of Schemathesis' JSON run report (`--report json`) the fuzz run reads. */
export const SchemathesisReport = z.looseObject({
  schemathesis_version: z.string(),
  seed: z.number().nullable(),
  running_time: z.number(),
  stop_reason: z.string().nullable(),
  exit_code: z.number(),
  operations: z.looseObject({
    total: z.number(),
    selected: z.number(),
    tested: z.number(),
    errored: z.number(),
    skipped: z.number(),
  }),
  phases: z.record(z.string(), z.looseObject({ status: z.string(), skip_reason: z.string().nullable() })),
  test_cases: z.looseObject({
    generated: z.number(),
    with_failures: z.number(),
    unique_failures: z.number(),
    errored: z.number(),
  }),
  failures: z.array(
    z.looseObject({ code: z.string(), title: z.string(), count: z.number(), operations: z.array(z.string()) }),
  ),
  errors: z.array(z.unknown()),
  warnings: z.record(z.string(), z.unknown()),
  /** Failures set aside by Schemathesis' filters (none are configured: any would show here). */
  filtered: z.number(),
});
export type SchemathesisReport = z.infer<typeof SchemathesisReport>;

export interface SchemathesisOptions {
  /** The API's origin, e.g. `http://127.0.0.1:3000`; its `/openapi.json` is what is fuzzed. */
  baseUrl: string;
  apiKey?: string;
  /** Real IDs for the path parameters (`seedFuzzData`). */
  data: FuzzData;
  /** Test cases per operation and phase (`--max-examples`). */
  maxExamples: number;
  /** The whole run's budget (`--max-time`): fuzzing and stateful testing repeat until it is spent. */
  maxTimeSeconds: number;
  /** The generator's seed: `ORDO_FUZZ_SEED` when set, else random (st prints it, to replay the run). */
  seed?: number;
  /** Where the configuration, the reports and `st-output.txt` go. */
  workDir: string;
  /** Each line st prints, as it prints it. */
  onLine?: (line: string) => void;
}

export interface SchemathesisRun {
  report: SchemathesisReport;
  /** Everything st printed. */
  output: string;
  /** st's closing SUMMARY section. */
  summary: string;
  /** st's FAILURES section (empty when none), for assertion messages. */
  failures: string;
  exitCode: number | null;
}

/** How far beyond its own time budget st may run (it finishes its current test cases and writes reports) before it is killed. */
const OVERRUN_MS = 180_000;

/**
 * Runs Schemathesis against the API at `baseUrl`: every operation of its OpenAPI document,
 * every phase (examples, coverage, fuzzing, stateful through the document's links), the
 * checks `schemathesis.toml` configures, the API key sent as the document's bearer scheme,
 * path parameters drawn from `data` (and fuzzed), within `maxExamples` and `maxTimeSeconds`.
 * Resolves with the parsed JSON report, whatever it found; rejects only when st could not run.
 */
export async function runSchemathesis(options: SchemathesisOptions): Promise<SchemathesisRun> {
  const st = installSchemathesis();
  await mkdir(options.workDir, { recursive: true });
  const configPath = join(options.workDir, 'schemathesis.toml');
  await writeFile(configPath, `${await readFile(join(here, 'schemathesis.toml'), 'utf8')}\n${dataToml(options.data)}`);
  const reportDir = join(options.workDir, 'reports');
  const args = [
    '--config-file',
    configPath,
    'run',
    `${options.baseUrl}/openapi.json`,
    '--max-examples',
    String(options.maxExamples),
    '--max-time',
    String(options.maxTimeSeconds),
    '--seed',
    String(options.seed ?? loadTestEnv().ORDO_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31)),
    '--workers',
    '1',
    '--report',
    'json,junit',
    '--report-dir',
    reportDir,
    '--no-color',
  ];
  const child = spawn(st, args, {
    cwd: options.workDir,
    env: childProcessEnv({ ORDO_FUZZ_API_KEY: options.apiKey ?? TEST_API_KEY, COLUMNS: '120' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let pending = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) options.onLine?.(line);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const killer = setTimeout(() => child.kill('SIGKILL'), options.maxTimeSeconds * 1000 + OVERRUN_MS);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  }).finally(() => clearTimeout(killer));
  if (pending) options.onLine?.(pending);
  await writeFile(join(options.workDir, 'st-output.txt'), output);

  const reportFile = (await readdir(reportDir).catch(() => [])).find(
    (f) => f.startsWith('json-') && f.endsWith('.json'),
  );
  if (!reportFile)
    throw new Error(`Schemathesis wrote no JSON report (exit ${exitCode}); its output ends:\n${output.slice(-5000)}`);
  const report = SchemathesisReport.parse(JSON.parse(await readFile(join(reportDir, reportFile), 'utf8')));
  return {
    report,
    output,
    summary: withoutBanners(section(output, 'SUMMARY')),
    failures: withoutBanners(section(output, 'FAILURES', 'WARNINGS')),
    exitCode,
  };
}

/** The section of st's output under the banner `=== name ===`, up to the next banner named `until` (or the end). */
function section(output: string, name: string, until?: string): string {
  const start = output.search(new RegExp(`^=+ ${name} =+$`, 'm'));
  if (start < 0) return '';
  const rest = output.slice(start);
  const end = until ? rest.search(new RegExp(`^=+ ${until} =+$`, 'm')) : -1;
  return (end > 0 ? rest.slice(0, end) : rest).trimEnd();
}

/**
 * `text` with st's `=== … ===` banners as plain lines. st closes its summary the way pytest
 * closes a session (`=== 3 warnings in 150.22s ===`, no test counted in it): printed in the
 * suite's output, a reader of CI logs takes that line for a test runner that ran no test.
 */
function withoutBanners(text: string): string {
  return text.replace(/^=+ (.+?) =+$/gm, (_, title: string) =>
    /^[A-Z ]+$/.test(title)
      ? `Schemathesis ${title.toLowerCase()}:`
      : `Schemathesis ended: ${title.replace(/ in ([\d.]+)s$/, ', $1 s')}`,
  );
}

/** `data` as the configuration's `[dictionaries]` and `[parameters]` (JSON strings and numbers are TOML's too). */
function dataToml(data: FuzzData): string {
  const lines = ['# Seeded by the run: real IDs for the path parameters, drawn 8 times in 10 (the rest is fuzzed).'];
  for (const [name, values] of Object.entries(data.dictionaries)) {
    lines.push(`[dictionaries.${name}]`, `values = [${values.map((v) => JSON.stringify(v)).join(', ')}]`, '');
  }
  lines.push('[parameters]');
  for (const [parameter, dictionary] of Object.entries(data.parameters)) {
    lines.push(`${JSON.stringify(parameter)} = { dictionary = ${JSON.stringify(dictionary)}, probability = 0.8 }`);
  }
  return `${lines.join('\n')}\n`;
}
