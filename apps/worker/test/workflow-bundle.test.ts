import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '@ordo/testing';

/**
 * The workflow bundle is evaluated module by module for every workflow execution (the
 * reusable V8 context keeps a module cache per workflow), so what it contains is paid per
 * job. Lint keeps zod out of workflow files; this keeps it out of everything they import.
 */
describe('the workflow bundle', () => {
  const code = readFileSync(workflowBundle().codePath, 'utf8');

  it('holds the job workflow and its step types', () => {
    expect(code).toContain('packages/core/src/workflows/job-workflow.ts');
    expect(code).toContain('packages/core/src/steps/tool-step.ts');
  });

  it('loads no zod, directly or through the model', () => {
    expect(code).not.toMatch(/node_modules\/\.pnpm\/zod@/);
    expect(code).not.toMatch(
      /packages\/core\/src\/schemas\/(step-definition|run-state|variable-schema|schema-value|job|workflow-definition)\.ts/,
    );
    // Nor any other schema module: the folder holds every module that loads zod.
    expect(code).not.toMatch(/packages\/core\/src\/schemas\//);
  });

  it('loads JSONata only on demand: no static require of it, one eager import() in the expression evaluator', () => {
    const references = code.split('\n').filter((line) => /__webpack_require__[.\w]*\(\/\*! jsonata \*\//.test(line));
    expect(references).toHaveLength(1);
    expect(references[0]).toContain('/*! import() eager */');
  });

  it('loads RE2 only on demand: every reference to re2js is an eager import()', () => {
    const references = code.split('\n').filter((line) => /__webpack_require__[.\w]*\(\/\*! re2js \*\//.test(line));
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(reference).toContain('/*! import() eager */');
  });
});
