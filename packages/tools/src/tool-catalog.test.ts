import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ToolDescriptor } from '@ordo/core';
import { createToolActivities, TOOL_DESCRIPTORS } from './index';
import { activityProgress } from './progress';
import { asToolFailure } from './tool-error';

describe('TOOL_DESCRIPTORS', () => {
  it('describes each tool, with parameters derived from its schema', () => {
    expect(TOOL_DESCRIPTORS.map((d) => ToolDescriptor.parse(d))).toEqual(TOOL_DESCRIPTORS);
    expect(
      TOOL_DESCRIPTORS.map(({ tool_id, name, parameters, outputs }) => ({
        tool_id,
        name,
        parameters: parameters.map((p) => [p.name, p.required]),
        outputs,
      })),
    ).toEqual([
      {
        tool_id: 'pdf_extractor',
        name: 'PDF Text Extractor',
        parameters: [
          ['input_file', true],
          ['extraction_mode', false],
        ],
        outputs: ['extracted_text', 'page_count'],
      },
      {
        tool_id: 'text_analyzer',
        name: 'Text Analysis Tool',
        parameters: [
          ['text', true],
          ['analysis_level', false],
        ],
        outputs: ['analysis_results'],
      },
    ]);
  });

  it('documents every tool and parameter', () => {
    for (const tool of TOOL_DESCRIPTORS) {
      expect(tool.description).not.toBe('');
      for (const p of tool.parameters) expect(p.description, `${tool.tool_id}.${p.name}`).not.toBe('');
    }
  });
});

describe('createToolActivities', () => {
  it('registers one activity per described tool', () => {
    const activities = createToolActivities({ files: { read: () => Promise.resolve(undefined) } });
    expect(Object.keys(activities)).toEqual(TOOL_DESCRIPTORS.map((d) => d.tool_id));
  });

  it('reports an unexpected error as a retryable TOOL_FAILED', async () => {
    const activities = createToolActivities({ files: { read: () => Promise.reject(new Error('database is locked')) } });
    const err: unknown = await activities.pdf_extractor!({ input_file: { file_id: 'f1', name: 'a.pdf' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe('TOOL_FAILED');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toBe("Tool 'pdf_extractor' failed: database is locked");
    expect(failure.cause?.message).toBe('database is locked');
  });
});

describe('asToolFailure', () => {
  it("leaves Temporal's own failures, such as cancellation, as they are", () => {
    const cancelled = new CancelledFailure('CANCELLED');
    expect(asToolFailure(cancelled, 'pdf_extractor')).toBe(cancelled);
  });

  it('wraps non-Error throws', () => {
    const failure = asToolFailure('boom', 'text_analyzer') as ApplicationFailure;
    expect([failure.type, failure.message]).toEqual(['TOOL_FAILED', "Tool 'text_analyzer' failed: boom"]);
  });
});

describe('activityProgress', () => {
  it('does nothing outside an activity', () => {
    expect(() => activityProgress('Processing page 1 of 1')).not.toThrow();
  });
});
