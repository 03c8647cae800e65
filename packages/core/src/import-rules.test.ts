import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const config = join(repoRoot, '.dependency-cruiser.cjs');
const depcruise = join(repoRoot, 'node_modules', '.bin', 'depcruise');

interface Violation {
  rule: string;
  from: string;
  /** The module imported, an npm package by its name. */
  to: string;
  /** For a cycle: its modules, sorted. */
  cycle?: string[];
}

/** Runs dependency-cruiser with the repository's config in `cwd` over `paths`, answering its violations. */
function cruise(cwd: string, paths: string[]): Violation[] {
  const run = spawnSync(depcruise, ['--config', config, '--output-type', 'json', ...paths], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  const result = JSON.parse(run.stdout) as {
    summary: { violations: { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] }[] };
  };
  return result.summary.violations.map((v) => ({
    rule: v.rule.name,
    from: v.from,
    to: v.to.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1'),
    ...(v.cycle && { cycle: [...new Set([v.from, ...v.cycle.map((c) => c.name)])].sort() }),
  }));
}

const fixtures: string[] = [];
afterAll(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
});

/**
 * Cruises a fixture tree: `files` by their path in the repository, in a folder of their own
 * with the repository's tsconfig and node_modules (the root's and their package's), so the
 * rules meet them where they would meet the real modules.
 */
function violationsIn(files: Record<string, string>): Violation[] {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-import-rules-'));
  fixtures.push(dir);
  copyFileSync(join(repoRoot, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
    // The package's own dependencies, as its modules resolve them in the repository.
    const pkg = path.split('/').slice(0, 2).join('/');
    if (!existsSync(join(dir, pkg, 'node_modules')))
      symlinkSync(join(repoRoot, pkg, 'node_modules'), join(dir, pkg, 'node_modules'), 'dir');
  }
  return cruise(dir, [...new Set(Object.keys(files).map((path) => path.split('/')[0]!))]);
}

/** A schema module: Node-only, it loads zod. */
const SCHEMA_MODULE = `import { z } from 'zod';\nexport const Job = z.object({});\nexport type Job = z.infer<typeof Job>;\n`;

const rulesOf = (violations: Violation[]) => [...new Set(violations.map((v) => v.rule))].sort();

describe('the import rules (.dependency-cruiser.cjs)', () => {
  it('pass over the repository', () => {
    expect(cruise(repoRoot, ['apps', 'packages', 'bench', 'examples'])).toEqual([]);
  }, 120_000);

  it('refuse an import cycle in any package, type-only imports included', () => {
    const cycle = violationsIn({
      'packages/tools/src/a.ts': `import { b } from './b';\nexport const a = () => b;\n`,
      'packages/tools/src/b.ts': `import { a } from './a';\nexport const b = () => a;\n`,
      'apps/api/src/c.ts': `import type { D } from './d';\nexport type C = { d?: D };\n`,
      'apps/api/src/d.ts': `import type { C } from './c';\nexport type D = { c?: C };\n`,
    });
    expect(rulesOf(cycle)).toEqual(['no-cycle']);
    expect(cycle.map((v) => v.cycle).sort()).toEqual([
      ['apps/api/src/c.ts', 'apps/api/src/d.ts'],
      ['packages/tools/src/a.ts', 'packages/tools/src/b.ts'],
    ]);
  }, 60_000);

  it('refuse workflow code that loads zod, a schema module, a Node built-in or another package', () => {
    const found = violationsIn({
      'packages/core/src/schemas/job.ts': SCHEMA_MODULE,
      'packages/core/src/workflows/probe.ts': [
        `import { z } from 'zod';`,
        `import { readFileSync } from 'node:fs';`,
        `import { Job } from '../schemas/job';`,
        `import { Kysely } from 'kysely';`,
        `export const probe = [z, readFileSync, Job, Kysely];`,
        ``,
      ].join('\n'),
      // What workflow code imports is workflow code too: a model module cannot bring zod in.
      'packages/core/src/model/helper.ts': `import { z } from 'zod';\nexport const s = z.string();\n`,
      'packages/core/src/steps/some-step.ts': `import { s } from '../model/helper';\nexport const step = s;\n`,
    });
    const safety = found.filter((v) => v.rule === 'workflow-code-is-workflow-safe');
    expect(safety.map((v) => `${v.from} → ${v.to}`).sort()).toEqual([
      'packages/core/src/model/helper.ts → zod',
      'packages/core/src/workflows/probe.ts → fs',
      'packages/core/src/workflows/probe.ts → kysely',
      'packages/core/src/workflows/probe.ts → packages/core/src/schemas/job.ts',
      'packages/core/src/workflows/probe.ts → zod',
    ]);
  }, 60_000);

  it('let workflow code import types from zod and the schemas, and the Temporal workflow API', () => {
    expect(
      violationsIn({
        'packages/core/src/schemas/job.ts': SCHEMA_MODULE,
        'packages/core/src/model/pure.ts': `export const double = (n: number) => 2 * n;\n`,
        'packages/core/src/workflows/probe.ts': [
          `import { sleep } from '@temporalio/workflow';`,
          `import type { z } from 'zod';`,
          `import type { Job } from '../schemas/job';`,
          `import { double } from '../model/pure';`,
          `export const probe = (job: Job, s: z.ZodString) => [sleep, double, job, s];`,
          ``,
        ].join('\n'),
      }),
    ).toEqual([]);
  }, 60_000);

  it('keep the arrows of @ordo/core one way: workflows → jobs → steps → model', () => {
    const found = violationsIn({
      'packages/core/src/steps/index.ts': `export const STEP_TYPES = {};\n`,
      'packages/core/src/workflows/job-workflow.ts': `export const jobWorkflow = () => undefined;\n`,
      'packages/core/src/model/queries.ts': `import { STEP_TYPES } from '../steps';\nexport const q = STEP_TYPES;\n`,
      'packages/core/src/steps/probe.ts': `import { jobWorkflow } from '../workflows/job-workflow';\nexport const p = jobWorkflow;\n`,
    });
    expect(rulesOf(found)).toEqual(['model-is-the-bottom', 'steps-below-jobs-and-workflows']);
  }, 60_000);
});
