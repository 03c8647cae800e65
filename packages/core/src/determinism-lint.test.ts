import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Lints source as if it were a file at `path`, with the project's own ESLint config. */
async function ruleIds(path: string, source: string): Promise<string[]> {
  // Type-aware rules need a file on disk; the rules under test here are syntactic.
  const eslint = new ESLint({ cwd: repoRoot, overrideConfig: [tseslint.configs.disableTypeChecked] });
  const [result] = await eslint.lintText(source, { filePath: join(repoRoot, path) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const forbidden = `
import { readFileSync } from 'node:fs';
import { createToolActivities } from '@ordo/tools';
export const x = [readFileSync, createToolActivities, process.env.HOME, fetch];
`;

describe('the determinism boundary (eslint.config.js)', () => {
  it('forbids Node built-ins, @ordo/tools, process and fetch in workflow code', async () => {
    const ids = await ruleIds('packages/core/src/workflows/probe.ts', forbidden);
    expect(ids.filter((id) => id === 'no-restricted-imports')).toHaveLength(2);
    expect(ids.filter((id) => id === 'no-restricted-globals')).toHaveLength(2);
  });

  it('allows the same code outside workflow code', async () => {
    const ids = await ruleIds('packages/core/src/model/probe.ts', forbidden);
    expect(ids).not.toContain('no-restricted-imports');
    expect(ids).not.toContain('no-restricted-globals');
  });

  it('allows the Temporal workflow API and Ordo model imports', async () => {
    const ids = await ruleIds(
      'packages/core/src/workflows/probe.ts',
      `import { sleep } from '@temporalio/workflow';\nimport { orderedSteps } from '../model/definition-queries';\nexport const y = [sleep, orderedSteps];\n`,
    );
    expect(ids).toEqual([]);
  });

  it('lets workflow code import zod types but not zod itself', async () => {
    expect(
      await ruleIds('packages/core/src/workflows/probe.ts', `import { z } from 'zod';\nexport const s = z.string();\n`),
    ).toContain('@typescript-eslint/no-restricted-imports');
    expect(
      await ruleIds(
        'packages/core/src/workflows/probe.ts',
        `import type { z } from 'zod';\nexport type S = z.ZodString;\n`,
      ),
    ).toEqual([]);
    expect(
      await ruleIds('packages/core/src/model/probe.ts', `import { z } from 'zod';\nexport const s = z.string();\n`),
    ).toEqual([]);
  });
});
