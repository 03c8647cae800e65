import { describe, expect, it } from 'vitest';
import { toolLookupOf, type CatalogTool } from '../model/tool-lookup';
import { pinToolVersions, toolRefsOf } from './tool-pins';

const tool = (version: string, deprecated = false): CatalogTool => ({
  tool_id: 'profile',
  name: 'Profile',
  description: '',
  version,
  parameters: { type: 'object' },
  outputs: { type: 'object' },
  defaults: {},
  deprecated,
});
const step = (version?: string) => ({
  type: 'tool' as const,
  step_id: 's',
  tool: { tool_id: 'profile', name: 'p', ...(version !== undefined && { version }) },
  parameter_mappings: {},
  output_mappings: {},
});

describe('tool pins', () => {
  // Newest first, as store.tools.all() lists them.
  const catalog = [tool('3.0.0', true), tool('2.0.0'), tool('1.0.0')];

  it('pins an unnamed version to the newest not deprecated, and keeps a named one', () => {
    expect(pinToolVersions([step(), step('1.0.0')], catalog).map((s) => s.tool.version)).toEqual(['2.0.0', '1.0.0']);
    expect(pinToolVersions([step()], [tool('1.0.0', true)])[0]?.tool.version).toBeUndefined();
  });

  it('refuses a missing or deprecated version as known_tool_version, an unknown tool as known_tool', () => {
    const lookup = toolLookupOf(catalog);
    expect(lookup.resolve({ tool_id: 'profile', version: '9.0.0' })).toMatchObject({
      ok: false,
      rule: 'known_tool_version',
      field: 'version',
    });
    expect(lookup.resolve({ tool_id: 'profile', version: '3.0.0' })).toMatchObject({
      ok: false,
      rule: 'known_tool_version',
    });
    expect(lookup.resolve({ tool_id: 'other' })).toMatchObject({ ok: false, rule: 'known_tool', field: 'tool_id' });
  });

  it('names each tool reference of a job once', () => {
    expect(toolRefsOf([step('1.0.0'), step('1.0.0'), step()])).toEqual([
      { tool_id: 'profile', version: '1.0.0' },
      { tool_id: 'profile' },
    ]);
  });
});
