/** One run's figures, as printed and as written to bench/results/. */
export interface BenchResult {
  date: string;
  commit: string;
  dirty: boolean;
  machine: {
    cores: number;
    cpu: string;
    memory_gib: number;
    node: string;
    platform: string;
    load_1m_before: number;
    load_1m_after: number;
  };
  config: { steps: number; reps: number; jobs: number; job_steps: number; concurrency: number; rounds: number };
  wall_time: {
    steps: number;
    ordo_ms: number[];
    baseline_ms: number[];
    ordo_median_ms: number;
    baseline_median_ms: number;
    ratio: number;
    target: string;
    ordo_create_median_ms: number;
    ordo_start_request_median_ms: number;
  };
  history: {
    steps: number;
    ordo_events: number;
    baseline_events: number;
    ordo_per_step: number;
    baseline_per_step: number;
    ratio: number;
    target: string;
    ordo_by_type: Record<string, number>;
    baseline_by_type: Record<string, number>;
  };
  throughput: {
    jobs: number;
    steps: number;
    concurrency: number;
    ordo_jobs_per_s: number;
    baseline_jobs_per_s: number;
    ordo_rounds_jobs_per_s: number[];
    baseline_rounds_jobs_per_s: number[];
    ratio: number;
    target: string;
    ordo_job_ms: Latency;
    ordo_create_ms: Latency;
    ordo_start_request_ms: Latency;
    ordo_start_to_result_ms: Latency;
    baseline_job_ms: Latency;
    baseline_start_request_ms: Latency;
    /** CPU milliseconds per job, by process (median over the rounds), and their total. */
    ordo_cpu_ms_per_job: Record<string, number>;
    baseline_cpu_ms_per_job: Record<string, number>;
    /** Ordo's jobs created and started in one request (`POST /v1/jobs` with `start: true`), against the same baseline rounds. */
    one_request: {
      ordo_jobs_per_s: number;
      ordo_rounds_jobs_per_s: number[];
      ratio: number;
      /** The request, to the result. */
      ordo_job_ms: Latency;
      ordo_request_ms: Latency;
      ordo_cpu_ms_per_job: Record<string, number>;
    };
  };
}

interface Latency {
  p50: number;
  p95: number;
}

/** The run as a plain-text table: absolute figures, ratios, targets, and whether each is met. */
export function formatReport(r: BenchResult): string {
  const met = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  const rows: string[][] = [
    ['measure', 'Ordo', 'hand-written', 'ratio', 'target', ''],
    [
      `a. wall time, 1 job of ${r.wall_time.steps} steps (median of ${r.config.reps})`,
      `${r.wall_time.ordo_median_ms.toFixed(0)} ms`,
      `${r.wall_time.baseline_median_ms.toFixed(0)} ms`,
      r.wall_time.ratio.toFixed(3),
      r.wall_time.target,
      met(r.wall_time.ratio <= 1.05),
    ],
    [
      `b. history events per step (${r.history.steps} steps)`,
      `${r.history.ordo_per_step.toFixed(3)} (${r.history.ordo_events})`,
      `${r.history.baseline_per_step.toFixed(3)} (${r.history.baseline_events})`,
      r.history.ratio.toFixed(3),
      r.history.target,
      met(r.history.ratio <= 1.05),
    ],
    [
      `c. throughput, ${r.throughput.jobs} jobs of ${r.throughput.steps} steps, ${r.throughput.concurrency} at a time (median of ${r.config.rounds})`,
      `${r.throughput.ordo_jobs_per_s.toFixed(1)} jobs/s`,
      `${r.throughput.baseline_jobs_per_s.toFixed(1)} jobs/s`,
      r.throughput.ratio.toFixed(3),
      r.throughput.target,
      met(r.throughput.ratio >= 0.9),
    ],
    [
      `   the same, each job created and started in one request`,
      `${r.throughput.one_request.ordo_jobs_per_s.toFixed(1)} jobs/s`,
      `${r.throughput.baseline_jobs_per_s.toFixed(1)} jobs/s`,
      r.throughput.one_request.ratio.toFixed(3),
      r.throughput.target,
      met(r.throughput.one_request.ratio >= 0.9),
    ],
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]): string =>
    row
      .map((cell, col) => cell.padEnd(widths[col]!))
      .join('  ')
      .trimEnd();
  const t = r.throughput;
  return [
    `Ordo interpretation benchmark, ${r.date} (commit ${r.commit}${r.dirty ? ', uncommitted changes' : ''})`,
    `machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memory_gib} GiB, Node ${r.machine.node}, ${r.machine.platform}; ` +
      `load (1 min) ${r.machine.load_1m_before} before, ${r.machine.load_1m_after} after`,
    '',
    line(rows[0]!),
    ...rows.slice(1).map(line),
    '',
    `a. runs (ms): Ordo ${r.wall_time.ordo_ms.join(', ')}; hand-written ${r.wall_time.baseline_ms.join(', ')}`,
    `   Ordo's create request ${r.wall_time.ordo_create_median_ms} ms (not counted), start request ${r.wall_time.ordo_start_request_median_ms} ms (counted)`,
    `b. Ordo events: ${describeTypes(r.history.ordo_by_type)}`,
    `   hand-written events: ${describeTypes(r.history.baseline_by_type)}`,
    `c. rounds (jobs/s): Ordo ${t.ordo_rounds_jobs_per_s.join(', ')}; hand-written ${t.baseline_rounds_jobs_per_s.join(', ')}`,
    `   Ordo per job p50/p95 (ms): all ${t.ordo_job_ms.p50}/${t.ordo_job_ms.p95}, create ${t.ordo_create_ms.p50}/${t.ordo_create_ms.p95}, ` +
      `start request ${t.ordo_start_request_ms.p50}/${t.ordo_start_request_ms.p95}, start to result ${t.ordo_start_to_result_ms.p50}/${t.ordo_start_to_result_ms.p95}`,
    `   hand-written per job p50/p95 (ms): all ${t.baseline_job_ms.p50}/${t.baseline_job_ms.p95}, start call ${t.baseline_start_request_ms.p50}/${t.baseline_start_request_ms.p95}`,
    `   CPU ms per job, Ordo rounds: ${describeCpu(t.ordo_cpu_ms_per_job)}`,
    `   CPU ms per job, hand-written rounds: ${describeCpu(t.baseline_cpu_ms_per_job)}`,
    `   hand-written / Ordo CPU per job (steadier than jobs/s on a shared machine): ${cpuRatio(t.baseline_cpu_ms_per_job, t.ordo_cpu_ms_per_job)}, ` +
      `one request ${cpuRatio(t.baseline_cpu_ms_per_job, t.one_request.ordo_cpu_ms_per_job)}`,
    `c. one request: rounds (jobs/s) ${t.one_request.ordo_rounds_jobs_per_s.join(', ')}; per job p50/p95 (ms): all ${t.one_request.ordo_job_ms.p50}/${t.one_request.ordo_job_ms.p95}, ` +
      `request ${t.one_request.ordo_request_ms.p50}/${t.one_request.ordo_request_ms.p95}`,
    `   CPU ms per job: ${describeCpu(t.one_request.ordo_cpu_ms_per_job)}`,
  ].join('\n');
}

function describeTypes(byType: Record<string, number>): string {
  return Object.entries(byType)
    .sort(([, a], [, b]) => b - a)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
}

/** What the throughput ratio would be were both sides bound by CPU alone: the hand-written side's CPU per job over Ordo's. */
function cpuRatio(baseline: Record<string, number>, ordo: Record<string, number>): string {
  const [b, o] = [baseline.total, ordo.total];
  return b === undefined || o === undefined || o === 0 ? 'n/a' : (b / o).toFixed(3);
}

function describeCpu(perJob: Record<string, number>): string {
  return Object.entries(perJob)
    .map(([name, ms]) => `${name} ${ms}`)
    .join(', ');
}
