import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requiredToolParameters, ToolDescriptor, toolOutputNames, toolParameterNames } from '@ordo/core';
import { MemoryBlobStore } from './testing/run-tool';
import {
  createToolActivities,
  defineTool,
  describeTool,
  TEST_TOOL_DESCRIPTORS,
  TEST_TOOLS,
  TOOL_DESCRIPTORS,
  TOOLS,
} from './index';

function validator() {
  // strict: an unknown keyword or format in a generated schema is an error, not silently ignored.
  // Union types (`type: ["string", "number"]`) are standard JSON Schema; Ajv's strict mode only frowns on them.
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

const ALL = [...TOOL_DESCRIPTORS, ...TEST_TOOL_DESCRIPTORS];

/** Parameters each tool must accept, and some it must refuse, by JSON Schema and by its zod schema alike. */
const SAMPLES: Record<string, { valid: Record<string, unknown>[]; invalid: Record<string, unknown>[] }> = {
  pdf_extractor: {
    valid: [{ input_file: { file_id: 'f1', name: 'report.pdf' } }],
    invalid: [{}, { input_file: 'report.pdf' }],
  },
  text_analyzer: { valid: [{ text: 'Revenue grew 15%.' }], invalid: [{}, { text: 42 }] },
  http_request: {
    valid: [
      { url: 'https://api.example.com/v1/items' },
      {
        method: 'POST',
        url: 'http://127.0.0.1:8080/x',
        headers: { 'x-key': 'k' },
        query: { page: 2, all: true },
        body: { a: [1] },
        timeout_ms: 500,
      },
    ],
    invalid: [
      {},
      { url: 'https://a.example', method: 'TRACE' },
      { url: 'https://a.example', timeout_ms: 120_001 },
      { url: 'https://a.example', query: { a: null } },
    ],
  },
  json_transform: {
    valid: [
      { input: { a: 1 }, expression: 'a' },
      { input: null, expression: '$', timeout_ms: 50 },
    ],
    invalid: [{ input: 1 }, { input: 1, expression: '' }, { input: 1, expression: 'a', timeout_ms: 0 }],
  },
  noop: { valid: [{}, { value: [1, 'a', null] }], invalid: [] },
  sleep: { valid: [{ ms: 0 }, { ms: 600_000 }], invalid: [{}, { ms: 1.5 }, { ms: 600_001 }] },
  flaky: { valid: [{ failures: 2 }, { failures: 0, delay_ms: 10, value: 'v' }], invalid: [{}, { failures: -1 }] },
  tally: { valid: [{}, { ms: 0, value: 'v' }], invalid: [{ ms: -1 }, { ms: 600_001 }] },
  fail: {
    valid: [
      { code: 'PDF_INVALID', message: 'm' },
      { code: 'TOOL_FAILED', message: 'm', retryable: true },
    ],
    invalid: [{ code: 'NOPE', message: 'm' }, { code: 'TOOL_FAILED' }],
  },
};

describe('tool catalog', () => {
  it('lists the production tools, and the test tools only apart from them', () => {
    expect(TOOL_DESCRIPTORS.map((d) => d.tool_id)).toEqual([
      'pdf_extractor',
      'text_analyzer',
      'http_request',
      'json_transform',
    ]);
    expect(TEST_TOOL_DESCRIPTORS.map((d) => d.tool_id)).toEqual(['noop', 'sleep', 'flaky', 'fail', 'tally']);
    expect(TOOLS.map((t) => t.tool_id)).toEqual(TOOL_DESCRIPTORS.map((d) => d.tool_id));
    expect(TEST_TOOLS.map((t) => t.tool_id)).toEqual(TEST_TOOL_DESCRIPTORS.map((d) => d.tool_id));
  });

  it('gives every tool a valid descriptor with a version, and a description for the tool and each parameter and output', () => {
    for (const descriptor of ALL) {
      expect(ToolDescriptor.parse(descriptor)).toEqual(descriptor);
      expect(descriptor.version, descriptor.tool_id).toMatch(/^\d+\.\d+\.\d+$/);
      expect(descriptor.description, descriptor.tool_id).not.toBe('');
      for (const side of ['parameters', 'outputs'] as const) {
        const properties = descriptor[side].properties as Record<string, { description?: string }>;
        for (const [name, schema] of Object.entries(properties))
          expect(schema.description, `${descriptor.tool_id} ${side}.${name}`).toBeTruthy();
      }
    }
  });

  it("publishes JSON Schemas a standard validator accepts, which agree with the tools' own schemas", () => {
    const ajv = validator();
    for (const tool of [...TOOLS, ...TEST_TOOLS]) {
      const descriptor = describeTool(tool);
      const validateParams = ajv.compile(descriptor.parameters);
      ajv.compile(descriptor.outputs);
      const samples = SAMPLES[tool.tool_id];
      expect(samples, `samples for ${tool.tool_id}`).toBeDefined();
      for (const params of samples!.valid) {
        expect(
          validateParams(params),
          `${tool.tool_id} ${JSON.stringify(params)}: ${ajv.errorsText(validateParams.errors)}`,
        ).toBe(true);
        expect(tool.parameters.safeParse(params).success, `${tool.tool_id} zod ${JSON.stringify(params)}`).toBe(true);
      }
      for (const params of samples!.invalid) {
        expect(validateParams(params), `${tool.tool_id} ${JSON.stringify(params)}`).toBe(false);
        expect(tool.parameters.safeParse(params).success, `${tool.tool_id} zod ${JSON.stringify(params)}`).toBe(false);
      }
    }
  });

  it('requires exactly the parameters without a default, and names the outputs', () => {
    const byId = Object.fromEntries(ALL.map((d) => [d.tool_id, d]));
    expect(requiredToolParameters(byId.http_request!)).toEqual(['url']);
    expect(toolParameterNames(byId.http_request!)).toEqual(['method', 'url', 'headers', 'query', 'body', 'timeout_ms']);
    expect(toolOutputNames(byId.http_request!)).toEqual(['status', 'headers', 'body']);
    expect(requiredToolParameters(byId.json_transform!)).toEqual(['input', 'expression']);
    expect(requiredToolParameters(byId.flaky!)).toEqual(['failures']);
    expect(requiredToolParameters(byId.noop!)).toEqual([]);
    expect(byId.http_request!.defaults).toEqual({ timeout_seconds: 150 });
    expect(byId.json_transform!.defaults).toEqual({});
  });

  it('describes a tool whose schemas JSON Schema cannot fully express, as "any value" there', () => {
    const odd = defineTool({
      tool_id: 'odd',
      name: 'Odd',
      description: 'Schemas with parts JSON Schema cannot express.',
      version: '0.1.0',
      parameters: z.object({ when: z.date(), big: z.bigint(), n: z.string().transform((s) => s.length) }),
      outputs: z.object({ length: z.string().transform((s) => s.length), at: z.date() }),
      run: () => Promise.resolve({ length: 'x', at: new Date() }),
    });
    const descriptor = describeTool(odd);
    expect(descriptor.parameters.properties).toEqual({ when: {}, big: {}, n: { type: 'string' } });
    expect(descriptor.outputs.properties).toEqual({ length: {}, at: {} });
    const ajv = validator();
    expect(() => ajv.compile(descriptor.parameters)).not.toThrow();
    expect(() => ajv.compile(descriptor.outputs)).not.toThrow();
  });

  it('lets no tool lengthen the heartbeat timeout', () => {
    // A tool's own heartbeat timeout is how long an attempt on a crashed worker waits to be
    // retried elsewhere: the platform's 15 s. Heavy work runs in a thread, so the activity
    // heartbeats however long a tool computes.
    const lengthened = Object.fromEntries(
      TOOLS.filter((t) => t.defaults?.heartbeat_timeout_seconds !== undefined).map((t) => [
        t.tool_id,
        t.defaults!.heartbeat_timeout_seconds,
      ]),
    );
    expect(lengthened).toEqual({});
  });

  it('registers one activity per tool', () => {
    const deps = { files: { read: () => Promise.resolve(undefined) }, blobs: new MemoryBlobStore() };
    expect(Object.keys(createToolActivities(TOOLS, deps))).toEqual(TOOL_DESCRIPTORS.map((d) => d.tool_id));
    expect(Object.keys(createToolActivities([...TOOLS, ...TEST_TOOLS], deps))).toHaveLength(9);
  });
});
