import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ActivityAttempt } from './activity-attempt.js';
import { toolActivity } from './tool-activity.js';
import { defineTool } from './tool-definition.js';
import { describeTool } from './tool-descriptors.js';
import { ToolError } from './tool-error.js';

const wordCount = defineTool({
  tool_id: 'word_count',
  version: '1.2.0',
  name: 'Word count',
  description: 'Counts the words of a text.',
  parameters: z.object({
    text: z.string().describe('The text'),
    min_length: z.number().int().min(1).default(1).describe('Shortest word counted'),
  }),
  outputs: z.object({ words: z.number().int().describe('How many words') }),
  defaults: { timeout_seconds: 30, retry_policy: { maximum_attempts: 2 } },
  run: ({ text, min_length }, ctx) => {
    if (text === 'boom') throw new Error('it broke');
    if (text === 'refused') throw new ToolError('TEXT_REFUSED', 'this text is refused');
    if (text === 'later') throw new ToolError('BUSY', 'try again', { retryable: true });
    ctx.progress('counting', 0.5);
    ctx.progress('almost', 7);
    const words = text.split(/\s+/).filter((w) => w.length >= min_length).length;
    return Promise.resolve(text === 'bad output' ? ({ words: 'many' } as never) : { words });
  },
});

/** The activity with a hand-made attempt (no Temporal): the heartbeats it sent, and the signal's controller. */
function harness(attempt = 1) {
  const heartbeats: unknown[] = [];
  const abort = new AbortController();
  const source = (): ActivityAttempt => ({
    attempt,
    signal: abort.signal,
    heartbeat: (details) => heartbeats.push(details),
    log: undefined,
  });
  const activity = toolActivity(wordCount, {
    attempt: source,
    progressTiming: { heartbeatIntervalMs: 60_000, recordIntervalMs: 0 },
  });
  return { activity, heartbeats, abort };
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('defineTool', () => {
  it('yields the catalog descriptor: JSON Schemas 2020-12 of parameters (as a step may pass them) and outputs', () => {
    expect(describeTool(wordCount)).toEqual({
      tool_id: 'word_count',
      name: 'Word count',
      description: 'Counts the words of a text.',
      version: '1.2.0',
      parameters: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {
          text: { type: 'string', description: 'The text' },
          min_length: {
            type: 'integer',
            minimum: 1,
            maximum: Number.MAX_SAFE_INTEGER,
            default: 1,
            description: 'Shortest word counted',
          },
        },
        required: ['text'],
      },
      outputs: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {
          words: {
            type: 'integer',
            minimum: Number.MIN_SAFE_INTEGER,
            maximum: Number.MAX_SAFE_INTEGER,
            description: 'How many words',
          },
        },
        required: ['words'],
        additionalProperties: false,
      },
      defaults: { timeout_seconds: 30, retry_policy: { maximum_attempts: 2 } },
    });
  });

  it('carries a parameter marked for an upload URL into its JSON Schema', () => {
    const tool = defineTool({
      ...wordCount,
      parameters: z.object({ upload_url: z.string().meta({ 'x-ordo-upload-url': true }) }),
      run: () => Promise.resolve({ words: 0 }),
    });
    expect(describeTool(tool).parameters).toMatchObject({
      properties: { upload_url: { type: 'string', 'x-ordo-upload-url': true } },
    });
  });

  it('yields an activity taking the parameters object and returning the outputs object, defaults applied', async () => {
    const { activity } = harness();
    expect(await activity({ text: 'one two  three' })).toEqual({ words: 3 });
    expect(await activity({ text: 'a bb ccc', min_length: 2 })).toEqual({ words: 2 });
  });

  it('refuses bad parameters without retry: INVALID_PARAMETERS naming each field and rule', async () => {
    const { activity } = harness();
    const failure = await failureOf(activity({ min_length: 0 }));
    expect(failure).toMatchObject({ type: 'INVALID_PARAMETERS', nonRetryable: true });
    expect(failure.message).toMatch(/^text: is required; min_length: /);
    expect(failure.message).toContain('>=1');
  });

  it('codes errors: a ToolError keeps its code and retryability, anything else is a retryable TOOL_FAILED', async () => {
    const { activity } = harness(3);
    expect(await failureOf(activity({ text: 'refused' }))).toMatchObject({
      type: 'TEXT_REFUSED',
      message: 'this text is refused',
      nonRetryable: true,
      details: [{ attempt: 3 }],
    });
    expect(await failureOf(activity({ text: 'later' }))).toMatchObject({ type: 'BUSY', nonRetryable: false });
    expect(await failureOf(activity({ text: 'boom' }))).toMatchObject({
      type: 'TOOL_FAILED',
      message: "Tool 'word_count' failed: it broke",
      nonRetryable: false,
    });
  });

  it('refuses outputs that break its own schema: a non-retryable INVALID_OUTPUT naming the field', async () => {
    const { activity } = harness();
    const failure = await failureOf(activity({ text: 'bad output' }));
    expect(failure).toMatchObject({ type: 'INVALID_OUTPUT', nonRetryable: true });
    expect(failure.message).toContain('words: ');
  });

  it('reports progress as heartbeat details { message, fraction }, the fraction clamped to 0..1', async () => {
    const { activity, heartbeats } = harness();
    await activity({ text: 'a b' });
    expect(heartbeats).toEqual([
      { message: 'counting', fraction: 0.5 },
      { message: 'almost', fraction: 1 },
    ]);
  });

  it('ends a cancelled attempt as a cancellation, whatever the tool threw on its way out', async () => {
    const { activity, abort } = harness();
    abort.abort(new CancelledFailure('CANCELLED'));
    const err = await activity({ text: 'boom' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CancelledFailure);
  });
});
