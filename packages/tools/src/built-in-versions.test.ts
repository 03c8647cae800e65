import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ToolDescriptor } from '@ordo/core';
import { TOOL_DESCRIPTORS } from './tool-catalog';

/*
 * A built-in tool's activity is keyed by its tool_id, not its version: a step pinned to an
 * older minor version (pdf_extractor 2.1.0) runs the newest code (2.2.0). That is sound only
 * because a built-in's minor versions are backward compatible, by semver: every input the
 * older version accepted is accepted, with the same meaning, and its outputs keep the older
 * version's fields and their shapes (docs/design/tool-catalog.md, "Built-in versions").
 * fixtures/versions/ holds the descriptor of each older version a catalog may still pin,
 * as it was registered; this test holds the newest code to it.
 */

const DIR = new URL('../fixtures/versions/', import.meta.url);
const OLDER = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ToolDescriptor.parse(JSON.parse(readFileSync(new URL(name, DIR), 'utf8'))));

type Schema = { properties?: Record<string, unknown>; required?: string[] };

/** A JSON Schema without its `description`s: wording may change between versions, shapes may not. */
function shape(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(shape);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key !== 'description')
      .map(([key, value]) => [key, shape(value)]),
  );
}

function semver(version: string): [number, number, number] {
  const [major, minor, patch] = version.split('.').map(Number);
  return [major!, minor!, patch!];
}

describe('built-in tools: an older minor version a step may pin', () => {
  it('has its descriptors on file', () => {
    expect(OLDER.map((d) => `${d.tool_id}@${d.version}`)).toContain('pdf_extractor@2.1.0');
  });

  for (const older of OLDER) {
    describe(`${older.tool_id}@${older.version}`, () => {
      const newest = TOOL_DESCRIPTORS.find((d) => d.tool_id === older.tool_id);

      it('is an older minor of the same major as the built-in code', () => {
        expect(newest).toBeDefined();
        const [oldMajor, oldMinor, oldPatch] = semver(older.version);
        const [major, minor, patch] = semver(newest!.version);
        expect(major).toBe(oldMajor);
        expect(minor * 1_000_000 + patch).toBeGreaterThanOrEqual(oldMinor * 1_000_000 + oldPatch);
      });

      it('has every input accepted by the newest code: same parameters and shapes, no new required one, same defaults', () => {
        const before = older.parameters as Schema;
        const now = newest!.parameters as Schema;
        for (const [name, schema] of Object.entries(before.properties ?? {})) {
          expect(shape(now.properties?.[name]), `parameter ${name}`).toEqual(shape(schema));
        }
        expect(before.required ?? []).toEqual(expect.arrayContaining(now.required ?? []));
        expect(newest!.defaults).toMatchObject(older.defaults);
      });

      it("keeps its outputs' fields and shapes in the newest code", () => {
        const before = older.outputs as Schema;
        const now = newest!.outputs as Schema;
        for (const [name, schema] of Object.entries(before.properties ?? {})) {
          expect(shape(now.properties?.[name]), `output ${name}`).toEqual(shape(schema));
        }
        expect(now.required ?? []).toEqual(expect.arrayContaining(before.required ?? []));
      });
    });
  }
});
