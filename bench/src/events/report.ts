import type { MachineInfo } from '../machine';
import { round } from '../stats';
import type { EventsConfig, EventsFigures, EventsPhase } from './measure';

/** The p99 delay the issue sets for 200 subscribers (ms). */
export const P99_TARGET_MS = 500;

/** One run of the events bench, as written to results/events-latest.json. */
export interface EventsResult {
  date: string;
  commit: string;
  dirty: boolean;
  machine: MachineInfo & { load_1m_before: number; load_1m_after: number };
  config: EventsConfig & { poll_ms: number };
  figures: EventsFigures;
}

/** The table the bench prints (and bench/README.md quotes). */
export function formatEventsReport(result: EventsResult): string {
  const { baseline, load } = result.figures;
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? round(a / b, 2) : 'n/a');
  const row = (label: string, b: number | string, l: number | string, r: number | string, target = '') =>
    `${label.padEnd(52)}${String(b).padEnd(14)}${String(l).padEnd(14)}${String(r).padEnd(8)}${target}`;
  const met = load.step_completed_ms.p99 < P99_TARGET_MS ? 'met' : 'MISSED';
  const lines = [
    `events bench, ${result.date}, commit ${result.commit}${result.dirty ? ' (dirty)' : ''}, ${result.machine.cores} cores, load ${result.machine.load_1m_before} → ${result.machine.load_1m_after}`,
    `${result.config.jobs} jobs of ${result.config.steps} sleep steps of ${result.config.step_ms} ms; the API's reader polls every ${result.config.poll_ms} ms`,
    '',
    row('measure', `baseline (${baseline.subscribers})`, `load (${load.subscribers})`, 'ratio', 'target'),
    row(
      'step.completed delay p99, persisted → arrived (ms)',
      baseline.step_completed_ms.p99,
      load.step_completed_ms.p99,
      ratio(load.step_completed_ms.p99, baseline.step_completed_ms.p99),
      `< ${P99_TARGET_MS} ms  ${met}`,
    ),
    row('step.completed delay p50 / p95 (ms)', pair(baseline, 'p50', 'p95'), pair(load, 'p50', 'p95'), ''),
    row('every event: delay p50 / p99 (ms)', every(baseline), every(load), ''),
    row(
      'API CPU per event delivered (ms)',
      baseline.api_cpu_ms_per_delivered,
      load.api_cpu_ms_per_delivered,
      ratio(load.api_cpu_ms_per_delivered, baseline.api_cpu_ms_per_delivered),
    ),
    row(
      'API CPU per event written (ms)',
      baseline.api_cpu_ms_per_written,
      load.api_cpu_ms_per_written,
      ratio(load.api_cpu_ms_per_written, baseline.api_cpu_ms_per_written),
    ),
    '',
    ...[baseline, load].map(
      (p) =>
        `${p.subscribers} subscribers: ${p.events_written} events written, ${p.events_delivered} delivered (${p.step_completed_ms.count} step.completed), max delay ${p.all_ms.max} ms; API CPU ${p.api_cpu_ms} ms, bench CPU ${p.bench_cpu_ms} ms, ${p.wall_ms} ms wall\n   p99 by type (ms): ${Object.entries(
          p.p99_ms_by_type,
        )
          .map(([type, ms]) => `${type} ${ms}`)
          .join(', ')}`,
    ),
  ];
  return lines.join('\n');
}

const pair = (p: EventsPhase, a: 'p50' | 'p95', b: 'p95' | 'p99') =>
  `${p.step_completed_ms[a]} / ${p.step_completed_ms[b]}`;
const every = (p: EventsPhase) => `${p.all_ms.p50} / ${p.all_ms.p99}`;
