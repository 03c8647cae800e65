import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { treeCpuMs } from '../src/cpu';
import { measureExternalTools, type ExternalToolsFigures } from '../src/external-tools/measure';
import { formatExternalToolsReport } from '../src/external-tools/report';
import { BUILTIN_TOOL_ID, EXTERNAL_TASK_QUEUE, EXTERNAL_TOOL_ID } from '../src/external-tools/shared-tool';
import { getJson } from '../src/ordo-jobs';
import { startStack, type BenchStack } from '../src/stack';

const log = (line: string): void => console.log(`external-tools: ${line}`);

/**
 * The external tools bench (`pnpm bench:external-tools`), tiny: one run of two steps each way
 * (and the hand-written control's two) on a stack of its own (dev server, Ordo's worker and
 * API, the baseline worker, the external tool worker). Every side completes and the report has
 * them all; no time is asserted.
 */
describe('the external tools bench, tiny', () => {
  let stack: BenchStack;
  let figures: ExternalToolsFigures;

  beforeAll(async () => {
    stack = await startStack({ fileDb: false, baseline: true, externalToolWorker: true }, log);
    figures = await measureExternalTools(
      {
        api: stack.api,
        client: stack.client,
        cpuNow: () => Object.fromEntries(Object.entries(stack.pids()).map(([name, pid]) => [name, treeCpuMs(pid)])),
      },
      { steps: 2, jobs: 1, warmup: 0, control: true },
      log,
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('serves the same tool built in and from a worker of its own, registered builtin: false', async () => {
    const builtin = (await getJson(stack.api, `/v1/tools/${BUILTIN_TOOL_ID}/versions/1.0.0`)) as Record<
      string,
      unknown
    >;
    const external = (await getJson(stack.api, `/v1/tools/${EXTERNAL_TOOL_ID}/versions/1.0.0`)) as Record<
      string,
      unknown
    >;
    expect(builtin.builtin).toBe(true);
    expect(external).toMatchObject({
      builtin: false,
      task_queue: EXTERNAL_TASK_QUEUE,
      activity_type: EXTERNAL_TOOL_ID,
    });
    expect(external.parameters).toEqual(builtin.parameters);
    expect(external.outputs).toEqual(builtin.outputs);
  });

  it('times a job of two steps each way and reports both sides', () => {
    const { builtin, external, handwritten_local, handwritten_remote } = figures.sides;
    expect(builtin && external && handwritten_local && handwritten_remote).toBeDefined();
    for (const side of [builtin!, external!, handwritten_local!, handwritten_remote!]) {
      expect(side.jobs).toBe(1);
      // Two steps: one cycle from the first step's scheduling to the second's.
      expect(side.step_ms.count).toBe(1);
      expect(side.job_per_step_ms.values).toHaveLength(1);
      expect(side.step_ms.median).toBeGreaterThan(0);
      expect(side.events_per_step).toBeGreaterThan(0);
    }
    expect(builtin!.activity_type).toBe(BUILTIN_TOOL_ID);
    expect(external!.activity_type).toBe(EXTERNAL_TOOL_ID);
    expect(handwritten_remote!.activity_type).toBe(EXTERNAL_TOOL_ID);
    // Ordo's worker ran both sides' workflows; the external worker only the external side's tool.
    expect(external!.cpu_ms_per_step).toHaveProperty('external-tool-worker');
    expect(builtin!.cpu_ms_per_step).toHaveProperty('ordo-worker');
    // The external step settles its result in a local activity; the built-in one records inside its activity.
    expect(external!.local_activities).toHaveProperty('settleExternalToolCall');
    expect(builtin!.local_activities).not.toHaveProperty('settleExternalToolCall');
    expect(Number.isFinite(figures.ratio.step_median)).toBe(true);
    expect(Number.isFinite(figures.control_ratio?.step_median)).toBe(true);

    const report = formatExternalToolsReport({
      date: new Date().toISOString(),
      commit: 'test',
      dirty: false,
      machine: { cores: 2, cpu: 'test', node: process.version, load_1m_before: 0, load_1m_after: 0 },
      config: { steps: 2, jobs: 1, warmup: 0, control: true },
      figures,
    });
    expect(report).toContain('Ordo, built-in');
    expect(report).toContain('Ordo, external');
    expect(report).toContain('hand-written, external worker');
    expect(report).toMatch(/per-step wall time, median/);
  });
});
