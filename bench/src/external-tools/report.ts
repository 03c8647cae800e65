import type { ExternalToolsConfig, ExternalToolsFigures, Side, SideFigures } from './measure';

/** One run of the external tools bench, as printed and written to bench/results/. */
export interface ExternalToolsResult {
  date: string;
  commit: string;
  dirty: boolean;
  machine: { cores: number; cpu: string; node: string; load_1m_before: number; load_1m_after: number };
  config: ExternalToolsConfig;
  figures: ExternalToolsFigures;
}

const LABEL: Record<Side, string> = {
  builtin: 'Ordo, built-in',
  external: 'Ordo, external',
  handwritten_local: 'hand-written, own queue',
  handwritten_remote: 'hand-written, external worker',
};

/** The run as a table and a few lines, in the style of the interpretation bench's report. */
export function formatExternalToolsReport(result: ExternalToolsResult): string {
  const { sides, ratio, control_ratio, target, met } = result.figures;
  const { steps, jobs } = result.config;
  const measured = (Object.keys(LABEL) as Side[]).filter((side) => sides[side] !== undefined);
  const of = (side: Side): SideFigures => sides[side]!;
  const cells = (pick: (s: SideFigures) => number | string): string =>
    measured.map((side) => String(pick(of(side))).padStart(14)).join('');
  const row = (measure: string, values: string, rest = ''): string => `${measure.padEnd(44)}${values}  ${rest}`;
  const ratios = (pick: (r: NonNullable<typeof control_ratio>) => number): string =>
    `external/built-in ${pick(ratio).toFixed(3)}` +
    (control_ratio ? `, hand-written external/own ${pick(control_ratio).toFixed(3)}` : '');
  const join = (entries: [string, unknown][]): string => entries.map(([k, v]) => `${k} ${String(v)}`).join(', ');
  const lines = [
    `external tools: ${jobs} runs of ${steps} steps per side, taking turns, ${result.date}, ${result.commit}${result.dirty ? ' (dirty)' : ''}`,
    row(
      'measure (ms unless said)',
      measured.map((side) => side.replace('handwritten_', 'hw_').padStart(14)).join(''),
      'ratios',
    ),
    row(
      'a. per-step wall time, median',
      cells((s) => s.step_ms.median),
      `${ratios((r) => r.step_median)}  target ${target}: ${met ? 'met' : 'MISSED'}`,
    ),
    row(
      '   per-step wall time, p90',
      cells((s) => s.step_ms.p90),
      ratios((r) => r.step_p90),
    ),
    row(
      '   start to result / steps, median of runs',
      cells((s) => s.job_per_step_ms.median),
      ratios((r) => r.job_per_step_median),
    ),
    row(
      '   queue wait (scheduled → started)',
      cells((s) => s.step_parts_median_ms.queue),
    ),
    row(
      '   the attempt (started → completed)',
      cells((s) => s.step_parts_median_ms.run),
    ),
    row(
      '   after it (completed → next scheduled)',
      cells((s) => s.step_parts_median_ms.after),
    ),
    row(
      '     of which: until the workflow task starts',
      cells((s) => s.step_parts_median_ms.wake),
    ),
    row(
      '   workflow task, median',
      cells((s) => s.workflow_task_ms.median),
    ),
    row(
      'b. history events per step',
      cells((s) => s.events_per_step),
    ),
    '',
    `sides: ${measured.map((side) => `${side} = ${LABEL[side]} (activity ${of(side).activity_type})`).join('; ')}`,
  ];
  for (const side of measured) {
    const s = of(side);
    lines.push(
      `${side}:`,
      `   per run (ms/step): ${s.job_per_step_ms.values.join(', ')}`,
      `   local activities (per step, median ms): ${join(Object.entries(s.local_activities).map(([t, l]) => [t, `${l.per_step}/step ${l.median_ms} ms`])) || 'none'}`,
      `   CPU ms per step: ${join(Object.entries(s.cpu_ms_per_step))}`,
      `   events: ${join(Object.entries(s.events_by_type))}`,
    );
  }
  return lines.join('\n');
}
