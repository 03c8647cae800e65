import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { treeCpuMs } from '../src/cpu';
import { createSleepWorkflow, measurePhase, type EventsPhase } from '../src/events/measure';
import { formatEventsReport } from '../src/events/report';
import { startStack, type BenchStack } from '../src/stack';

const log = (line: string): void => console.log(`events: ${line}`);

/**
 * The events bench (`pnpm bench:events`), tiny: two jobs of two short sleep steps, each
 * job's stream held by three subscribers, on a stack of its own (dev server, Ordo's worker
 * and API). Every subscriber of a job reads the same events to the job's end (the measure
 * checks it) and the figures are all there; no time is asserted.
 */
describe('the events bench, tiny', () => {
  let stack: BenchStack;
  let phase: EventsPhase;

  beforeAll(async () => {
    stack = await startStack({ fileDb: false, baseline: false, ordoEnv: { ORDO_EVENT_STREAMS_PER_KEY: '20' } }, log);
    const workflowId = await createSleepWorkflow(stack.api, 2, 100);
    phase = await measurePhase(stack.api, workflowId, { jobs: 2, subscribers: 6 }, () =>
      treeCpuMs(stack.pids()['ordo-api']),
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("delivers every job's events to each of its subscribers, and measures their delays and the API's CPU", () => {
    // Per job: job.started, two steps started and completed, job.completed (progress depends on timing).
    expect(phase.events_written).toBeGreaterThanOrEqual(2 * 6);
    expect(phase.events_delivered).toBe(3 * phase.events_written);
    expect(phase.step_completed_ms.count).toBe(6 * 2);
    for (const d of [phase.step_completed_ms, phase.all_ms]) {
      expect(d.p50).toBeGreaterThanOrEqual(0);
      expect(d.p99).toBeGreaterThanOrEqual(d.p50);
      expect(d.max).toBeGreaterThanOrEqual(d.p99);
    }
    expect(phase.api_cpu_ms).toBeGreaterThan(0);
    const report = formatEventsReport({
      date: '2026-12-07T00:00:00.000Z',
      commit: 'abc1234',
      dirty: false,
      machine: { cores: 2, cpu: 'test', node: process.version, load_1m_before: 0, load_1m_after: 0 },
      config: { jobs: 2, steps: 2, step_ms: 100, subscribers: 6, poll_ms: 150 },
      figures: { baseline: phase, load: phase },
    });
    expect(report).toContain('step.completed delay p99');
    expect(report).toContain('API CPU per event delivered');
  });
});
