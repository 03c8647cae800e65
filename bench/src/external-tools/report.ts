import type { ExternalToolsFigures, SideFigures } from './measure';

/** One run of the external tools bench, as printed and written to bench/results/. */
export interface ExternalToolsResult {
  date: string;
  commit: string;
  dirty: boolean;
  machine: { cores: number; cpu: string; node: string; load_1m_before: number; load_1m_after: number };
  config: { steps: number; jobs: number; warmup: number };
  figures: ExternalToolsFigures;
}

/** The run as a table and a few lines, in the style of the interpretation bench's report. */
export function formatExternalToolsReport(result: ExternalToolsResult): string {
  const { builtin, external, ratio, target, met } = result.figures;
  const { steps, jobs } = result.config;
  const row = (measure: string, b: string, e: string, r: string, t = ''): string =>
    `${measure.padEnd(52)}${b.padStart(10)}${e.padStart(10)}${r.padStart(8)}  ${t}`;
  const cpu = (side: SideFigures): string =>
    Object.entries(side.cpu_ms_per_step)
      .map(([name, ms]) => `${name} ${ms}`)
      .join(', ');
  const parts = (side: SideFigures): string =>
    `queue ${side.step_parts_median_ms.queue}, attempt ${side.step_parts_median_ms.run}, after ${side.step_parts_median_ms.after}`;
  const types = (side: SideFigures): string =>
    Object.entries(side.events_by_type)
      .map(([type, n]) => `${type} ${n}`)
      .join(', ');
  return [
    `external tools: ${jobs} jobs of ${steps} noop steps per side, alternating, ${result.date}, ${result.commit}${result.dirty ? ' (dirty)' : ''}`,
    row('measure', 'built-in', 'external', 'ratio', 'target'),
    row(
      'a. per-step wall time, median (ms)',
      String(builtin.step_ms.median),
      String(external.step_ms.median),
      ratio.step_median.toFixed(3),
      `${target}  ${met ? 'met' : 'MISSED'}`,
    ),
    row(
      '   per-step wall time, p90 (ms)',
      String(builtin.step_ms.p90),
      String(external.step_ms.p90),
      ratio.step_p90.toFixed(3),
    ),
    row(
      '   job start to result / steps, median of jobs (ms)',
      String(builtin.job_per_step_ms.median),
      String(external.job_per_step_ms.median),
      ratio.job_per_step_median.toFixed(3),
    ),
    row('b. history events per step', String(builtin.events_per_step), String(external.events_per_step), ''),
    '',
    `a. ${builtin.step_ms.count} and ${external.step_ms.count} step cycles (tool activity scheduled → the next step's); per job (ms/step): built-in ${builtin.job_per_step_ms.values.join(', ')}; external ${external.job_per_step_ms.values.join(', ')}`,
    `   a step's parts, medians (ms): built-in ${parts(builtin)}; external ${parts(external)}`,
    `c. CPU ms per step: built-in ${cpu(builtin)}`,
    `                    external ${cpu(external)}`,
    `b. built-in events: ${types(builtin)}`,
    `   external events: ${types(external)}`,
  ].join('\n');
}
