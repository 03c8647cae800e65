import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTool } from '@ordo/tools';
import { z } from 'zod';
import { createJob, getJob, startApiStack, startJob, toolStepDefinition, type ApiStack } from './harness';
import { SseReader } from './sse-reader';

/** How many reports the chatty tool makes in its burst. */
const BURST = 200;

/**
 * A tool reporting progress many times a second reaches the event stream at most once a
 * second per attempt: the tool kit's `AttemptProgress` (`packages/tool-kit/src/progress.ts`)
 * records the first report at once and the last of a burst when the interval ends.
 */
describe('progress events of a tool reporting many times a second, against the real stack', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack('progress-events', {
      tools: [
        defineTool({
          tool_id: 'chatty',
          name: 'Chatty',
          description: 'Reports a burst of progress, stays quiet, then reports every 10 ms',
          version: '1.0.0',
          parameters: z.object({}),
          outputs: z.object({ steady_ms: z.number(), steady_reports: z.number() }),
          run: async (_, { progress }) => {
            for (let i = 1; i <= BURST; i++) progress(`burst ${i} of ${BURST}`, i / BURST / 2);
            // Quiet for longer than the interval: the burst's last report is recorded meanwhile.
            await delay(3_000);
            const began = Date.now();
            let reports = 0;
            while (Date.now() - began < 2_500) {
              progress(`steady ${++reports}`, 0.5);
              await delay(10);
            }
            return { steady_ms: Date.now() - began, steady_reports: reports };
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    stack.app.closeEventStreams();
    await stack.stop();
  });

  it('writes at most one progress event a second, the last report of a burst among them', async () => {
    const job = await createJob(stack, {
      steps: [toolStepDefinition('talk', 'chatty', {}, { steady_ms: 'steady_ms', steady_reports: 'steady_reports' })],
      output_variables: ['steady_ms', 'steady_reports'],
    });
    const res = await stack.request(`/v1/jobs/${job.job_id}/events`);
    expect(res.status).toBe(200);
    const stream = new SseReader(res);
    await startJob(stack, job.job_id);
    const events = await stream.rest();
    expect(events.at(-1)?.type).toBe('job.completed');
    const messages = events.filter((e) => e.type === 'step.progress').map((e) => e.data.message);

    // The burst: its first report at once, its last once the interval ended; none between.
    expect(messages.filter((m) => m?.startsWith('burst'))).toEqual([
      `burst 1 of ${BURST}`,
      `burst ${BURST} of ${BURST}`,
    ]);

    // The steady reports: one event a second at most, however many reports.
    const { steady_ms, steady_reports } = (await getJob(stack, job.job_id)).output_data as {
      steady_ms: number;
      steady_reports: number;
    };
    const steady = messages.filter((m) => m?.startsWith('steady'));
    expect(steady_reports).toBeGreaterThan(steady.length * 5);
    expect(steady.length).toBeGreaterThanOrEqual(1);
    expect(steady.length).toBeLessThanOrEqual(Math.ceil(steady_ms / 1_000) + 1);
  });
});
