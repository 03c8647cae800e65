import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ToolDescriptor } from '@ordo/core';
import { TOOL_DESCRIPTORS } from './tool-catalog';

/*
 * A built-in tool's activity is keyed by its tool_id, not its version: a step pinned to an
 * older version (pdf_extractor 2.1.0, text_analyzer 2.1.0) runs the newest code (2.3.0, 3.0.0).
 * Within a major that is sound because a built-in's minor versions are backward compatible, by
 * semver: every input the older version accepted is accepted, with the same meaning, and its
 * outputs keep the older version's fields and their shapes (docs/design/tool-catalog.md,
 * "Built-in versions"). A new major breaks that promise on purpose (text_analyzer 3.0.0: what
 * `key_metrics` holds changed); the worker still serves one version of each built-in, so a step
 * pinned to the older major runs the new major's code: all this test can hold it to is that
 * the step still runs and its expressions still find their fields (inputs accepted, defaults
 * kept, every older output field still there), not to the meaning (docs/tools.md).
 * fixtures/versions/ holds the descriptor of each older version a catalog may still pin, and
 * of the first version of the served major (the base its later minors are held to), as it was
 * registered; this test holds the newest code to them.
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

function sameInputs(older: ToolDescriptor, newest: ToolDescriptor): void {
  const before = older.parameters as Schema;
  const now = newest.parameters as Schema;
  for (const [name, schema] of Object.entries(before.properties ?? {})) {
    expect(shape(now.properties?.[name]), `parameter ${name}`).toEqual(shape(schema));
  }
  expect(before.required ?? []).toEqual(expect.arrayContaining(now.required ?? []));
  expect(newest.defaults).toMatchObject(older.defaults);
}

describe('built-in tools: an older version a step may pin', () => {
  it('has its descriptors on file', () => {
    expect(OLDER.map((d) => `${d.tool_id}@${d.version}`)).toEqual(
      expect.arrayContaining(['pdf_extractor@2.1.0', 'text_analyzer@2.1.0', 'text_analyzer@3.0.0']),
    );
  });

  it("has the first version of each served built-in's major on file, once it is past 1.x", () => {
    for (const tool of TOOL_DESCRIPTORS.filter((d) => semver(d.version)[0] > 1)) {
      const first = OLDER.find((d) => d.tool_id === tool.tool_id && semver(d.version)[0] === semver(tool.version)[0]);
      expect(first, `${tool.tool_id} ${tool.version}: a fixture of its major`).toBeDefined();
    }
  });

  for (const older of OLDER) {
    const newest = TOOL_DESCRIPTORS.find((d) => d.tool_id === older.tool_id);
    const olderMajor = newest !== undefined && semver(older.version)[0] < semver(newest.version)[0];

    describe(`${older.tool_id}@${older.version}`, () => {
      it(olderMajor ? 'is an older major' : 'is an older minor of the same major as the built-in code', () => {
        expect(newest).toBeDefined();
        const [oldMajor, oldMinor, oldPatch] = semver(older.version);
        const [major, minor, patch] = semver(newest!.version);
        if (olderMajor) expect(major).toBeGreaterThan(oldMajor);
        else {
          expect(major).toBe(oldMajor);
          expect(minor * 1_000_000 + patch).toBeGreaterThanOrEqual(oldMinor * 1_000_000 + oldPatch);
        }
      });

      it('has every input accepted by the newest code: same parameters and shapes, no new required one, same defaults', () => {
        sameInputs(older, newest!);
      });

      if (olderMajor) {
        it("keeps its outputs' fields in the newest code (a pinned step's expressions still find them)", () => {
          const before = older.outputs as Schema;
          const now = newest.outputs as Schema;
          expect(Object.keys(now.properties ?? {})).toEqual(
            expect.arrayContaining(Object.keys(before.properties ?? {})),
          );
          expect(now.required ?? []).toEqual(expect.arrayContaining(before.required ?? []));
        });
        return;
      }

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
