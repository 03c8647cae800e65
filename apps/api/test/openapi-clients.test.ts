import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedOpenApiDocument } from '../src/openapi-document';
import { generatePythonClient } from './python-client';

const apiDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(apiDir, '..', '..');

interface Document {
  paths: Record<string, Record<string, { operationId: string; tags: string[] }>>;
}

/** Clients generated from the document, in TypeScript and Python, by the generators users run. */
describe('clients generated from the OpenAPI document', () => {
  let dir: string;
  let doc: Document;
  let docPath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ordo-clients-'));
    doc = (await servedOpenApiDocument()) as unknown as Document;
    docPath = join(dir, 'openapi.json');
    writeFileSync(docPath, JSON.stringify(doc));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ method, path, ...operation })),
    );

  it('openapi-typescript: types that compile under strict tsc with skipLibCheck off, values typed, not any', () => {
    const schema = join(dir, 'schema.d.ts');
    execFileSync(join(apiDir, 'node_modules', '.bin', 'openapi-typescript'), [docPath, '-o', schema], {
      stdio: 'pipe',
    });
    // Uses the types as a client would: a value nests nulls at any depth; what is not JSON is refused.
    const usage = join(dir, 'usage.ts');
    writeFileSync(
      usage,
      [
        "import type { components, operations } from './schema';",
        "type SchemaValue = components['schemas']['SchemaValue'];",
        "export const nested: SchemaValue = [1, null, { a: [true, null, { b: 'c' }] }];",
        "export const input: components['schemas']['SetInputValueRequest'] = { value: { file_id: 'f', name: 'q4.pdf' } };",
        '// @ts-expect-error: a symbol is no JSON value (`any` would take it)',
        "export const notJson: SchemaValue = Symbol('x');",
        '// @ts-expect-error: the value to set is required',
        "export const noValue: components['schemas']['SetInputValueRequest'] = {};",
        "export type Created = operations['createJob']['responses'][201]['content']['application/json'];",
        "export const size = (f: components['schemas']['UploadedFile']): number => f.size;",
        '',
      ].join('\n'),
    );
    const tsc = spawnSync(
      join(repoRoot, 'node_modules', '.bin', 'tsc'),
      ['--strict', '--skipLibCheck', 'false', '--noEmit', '--module', 'nodenext', '--target', 'es2022', schema, usage],
      { encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr, 'tsc output').toBe('');
    expect(tsc.status).toBe(0);
    const types = readFileSync(schema, 'utf8');
    for (const { operationId } of operations()) expect(types, operationId).toContain(`    ${operationId}: {`);
  });

  it('openapi-python-client: parses every schema and generates every operation', () => {
    const out = join(dir, 'ordo_client');
    const { status, log, python } = generatePythonClient(docPath, out, 'none');
    expect(status, log).toBe(0);
    // It warns, and carries on, for each schema it cannot parse and each operation or response it drops.
    expect(log, log).not.toMatch(/Warning|WARNING|Unable to|Cannot parse|will be omitted/);
    for (const { method, path, operationId, tags } of operations()) {
      const module = operationId.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      expect(existsSync(join(out, 'api', tags[0]!, `${module}.py`)), `${method} ${path} (${operationId})`).toBe(true);
    }
    for (const model of [
      'schema_value_object',
      'create_job_request',
      'job',
      'uploaded_file',
      'set_input_value_request',
    ])
      expect(existsSync(join(out, 'models', `${model}.py`)), model).toBe(true);
    const compiled = spawnSync(python, ['-m', 'compileall', '-q', out], { encoding: 'utf8' });
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
  });
});
