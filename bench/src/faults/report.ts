import type { ScenarioResult } from './scenarios';

/** A fault run's record, as printed and as written to bench/results/. */
export interface FaultSuiteResult {
  date: string;
  commit: string;
  dirty: boolean;
  machine: { cores: number; cpu: string; node: string; load_1m_before: number; load_1m_after: number };
  jobs: number;
  duration_s: number;
  scenarios: ScenarioResult[];
}

/** Whether a scenario met every target: all jobs completed, none stuck, lost or duplicated, no completed step run again, recovery within bound, no undeclared answer, no process exiting on its own. */
export function metTargets(r: ScenarioResult): boolean {
  const m = r.measures;
  return (
    m.completed === m.jobs &&
    m.stuck === 0 &&
    m.lost === 0 &&
    m.duplicated === 0 &&
    m.steps_run_again === 0 &&
    m.recovery_over_bound === 0 &&
    m.contract_violations === 0 &&
    m.unexpected_exits === 0
  );
}

/** The scenario × measure table, then each scenario's examples of what missed. */
export function formatFaultReport(result: FaultSuiteResult): string {
  const header = [
    'scenario',
    'jobs',
    'completed',
    'failed',
    'stuck',
    'lost',
    'duplicated',
    'steps run again',
    'slowest recovery',
    'bound',
    'targets',
  ];
  const rows = result.scenarios.map((r) => {
    const m = r.measures;
    const recovery =
      m.slowest_recovery_s === null
        ? '-'
        : m.slowest_recovery_s < 0
          ? 'never'
          : `${m.slowest_recovery_s.toFixed(1)} s${m.recovery_over_bound > 0 ? ` (${m.recovery_over_bound} over)` : ''}`;
    return [
      r.name,
      m.jobs,
      m.completed,
      m.failed,
      m.stuck,
      m.lost,
      m.duplicated,
      m.steps_run_again,
      recovery,
      m.recovery_bound_s === null ? '-' : `${m.recovery_bound_s} s`,
      metTargets(r) ? 'met' : 'MISSED',
    ].map(String);
  });
  const widths = header.map((_, col) => Math.max(header[col]!.length, ...rows.map((row) => row[col]!.length)));
  const line = (row: string[]): string =>
    row
      .map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
      .join('  ')
      .trimEnd();
  const details = result.scenarios.flatMap((r) => [
    `${r.name} (${r.duration_s} s): ${r.description}`,
    ...Object.entries(r.measures.examples).flatMap(([measure, examples]) => examples.map((e) => `   ${measure}: ${e}`)),
    ...(r.measures.contract_violations > 0
      ? [`   ${r.measures.contract_violations} answers the OpenAPI document does not allow`]
      : []),
  ]);
  return [
    `Ordo fault suite, ${result.date} (commit ${result.commit}${result.dirty ? ', uncommitted changes' : ''}), ${result.duration_s} s`,
    `machine: ${result.machine.cores} cores (${result.machine.cpu}), Node ${result.machine.node}; load (1 min) ${result.machine.load_1m_before} before, ${result.machine.load_1m_after} after`,
    `targets: every job completed; 0 stuck, 0 lost, 0 duplicated, 0 completed steps run again; recovery within the heartbeat timeout + 5 s`,
    '',
    line(header),
    ...rows.map(line),
    '',
    ...details,
  ].join('\n');
}
