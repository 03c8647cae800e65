import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ToolContract } from '@ordo/core';
import { forEachDialect, testStoreConfig, type TestStoreConfig } from '@ordo/testing';
import { openStore, type OrdoStore } from '../src/index';

const at = (seconds: number) => new Date(Date.UTC(2031, 0, 1, 0, 0, seconds)).toISOString();

const CONTRACT: ToolContract = {
  tool_id: 'csv_profiler',
  version: '1.0.0',
  name: 'CSV profiler',
  description: 'Profiles a CSV file',
  parameters: { type: 'object', properties: { rows: { type: 'integer' } }, required: ['rows'] },
  outputs: { type: 'object', properties: { columns: { type: 'array' } } },
  task_queue: 'team-data',
  activity_type: 'csv_profiler',
  defaults: { timeout_seconds: 60 },
  builtin: false,
};

forEachDialect('tool catalog', (dialect) => {
  let target: TestStoreConfig;
  let store: OrdoStore;

  beforeEach(async () => {
    target = await testStoreConfig(dialect, 'tools');
    store = await openStore(target.config);
  });

  afterEach(async () => {
    await store.close();
    await target.remove();
  });

  it('stores a version once: the same contract again changes nothing, another names what differs', async () => {
    expect(await store.tools.register(CONTRACT, at(0))).toEqual({
      ok: true,
      created: true,
      tool: { ...CONTRACT, deprecated: false, registered_at: at(0) },
    });
    // Key order in a schema is not a difference.
    const reordered = {
      ...CONTRACT,
      parameters: { required: ['rows'], properties: { rows: { type: 'integer' } }, type: 'object' },
    };
    expect(await store.tools.register(reordered, at(5))).toEqual({
      ok: true,
      created: false,
      tool: { ...CONTRACT, deprecated: false, registered_at: at(0) },
    });
    const changed = await store.tools.register(
      { ...CONTRACT, task_queue: 'elsewhere', outputs: { type: 'object' }, defaults: {} },
      at(6),
    );
    expect(changed).toMatchObject({
      ok: false,
      code: 'VERSION_CONFLICT',
      differs: ['outputs', 'task_queue', 'defaults'],
    });
    expect(await store.tools.get('csv_profiler', '1.0.0')).toEqual({
      ...CONTRACT,
      deprecated: false,
      registered_at: at(0),
    });
  });

  it('answers the same to registrations racing for one version', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => store.tools.register(CONTRACT, at(0))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
  });

  it('lists versions newest first by semver, and the newest non-deprecated version of each tool', async () => {
    for (const version of ['1.2.0', '1.10.0', '2.0.0-beta.1', '1.9.3'])
      expect((await store.tools.register({ ...CONTRACT, version }, at(1))).ok).toBe(true);
    expect((await store.tools.register({ ...CONTRACT, tool_id: 'another' }, at(1))).ok).toBe(true);
    expect((await store.tools.versions('csv_profiler')).map((t) => t.version)).toEqual([
      '2.0.0-beta.1',
      '1.10.0',
      '1.9.3',
      '1.2.0',
    ]);
    expect(await store.tools.versions('nope')).toEqual([]);
    expect((await store.tools.latest()).map((t) => `${t.tool_id}@${t.version}`)).toEqual([
      'another@1.0.0',
      'csv_profiler@2.0.0-beta.1',
    ]);

    expect(await store.tools.deprecate('csv_profiler', '2.0.0-beta.1')).toMatchObject({
      ok: true,
      tool: { deprecated: true },
    });
    expect(await store.tools.deprecate('csv_profiler', '2.0.0-beta.1')).toMatchObject({ ok: true });
    expect(await store.tools.deprecate('csv_profiler', '9.9.9')).toEqual({ ok: false, code: 'VERSION_NOT_FOUND' });
    expect((await store.tools.latest()).map((t) => `${t.tool_id}@${t.version}`)).toEqual([
      'another@1.0.0',
      'csv_profiler@1.10.0',
    ]);
    await store.tools.deprecate('another', '1.0.0');
    expect((await store.tools.latest()).map((t) => t.tool_id)).toEqual(['csv_profiler']);
    // Deprecated, still there and still the same contract.
    expect(await store.tools.register({ ...CONTRACT, tool_id: 'another' }, at(9))).toMatchObject({
      ok: true,
      created: false,
    });
  });
});
