/** What a tool last said about how far it has got; sent as the heartbeat details. */
export interface ProgressDetails {
  message: string;
  fraction?: number;
}

/** Where an attempt's progress goes. */
export interface ProgressSinks {
  /** Temporal's heartbeat: cheap, throttled by the SDK, and the way cancellation reaches the attempt. */
  heartbeat(details: ProgressDetails | undefined): void;
  /** The job's stored state; slower, so called at most once per `recordIntervalMs`. */
  record(details: ProgressDetails): void;
}

/** How often an attempt heartbeats on its own, and how often progress is written to the job's state. */
export interface ProgressTiming {
  heartbeatIntervalMs: number;
  recordIntervalMs: number;
}

/** Heartbeat every 2 s: well inside any sensible heartbeat timeout, and cancellation arrives within about that. */
export const DEFAULT_PROGRESS_TIMING: ProgressTiming = { heartbeatIntervalMs: 2_000, recordIntervalMs: 1_000 };

/**
 * One attempt's progress reporting. While it runs it heartbeats on a timer, so a heartbeat
 * timeout tells a crashed worker from a quiet tool and cancellation is delivered even to a
 * tool that never reports progress. `report` heartbeats at once and records the latest
 * message at most once per interval (the last one of a burst is recorded when the interval
 * ends, so the job's state does not stay on a stale message).
 */
export class AttemptProgress {
  private last: ProgressDetails | undefined;
  private lastRecordedAt = Number.NEGATIVE_INFINITY;
  private pending: ProgressDetails | undefined;
  private pendingTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sinks: ProgressSinks,
    private readonly timing: ProgressTiming = DEFAULT_PROGRESS_TIMING,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the automatic heartbeat. */
  start(): void {
    this.heartbeatTimer = setInterval(() => this.sinks.heartbeat(this.last), this.timing.heartbeatIntervalMs);
  }

  /** Stops every timer; a record still pending is dropped, since the attempt's end supersedes it. */
  stop(): void {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.pendingTimer);
    this.heartbeatTimer = undefined;
    this.pendingTimer = undefined;
    this.pending = undefined;
  }

  /** A tool's `ctx.progress`. A fraction outside 0..1 is clamped; a non-number is left out. */
  report(message: string, fraction?: number): void {
    const details: ProgressDetails = Number.isFinite(fraction)
      ? { message, fraction: Math.min(1, Math.max(0, fraction!)) }
      : { message };
    this.last = details;
    this.sinks.heartbeat(details);
    const wait = this.lastRecordedAt + this.timing.recordIntervalMs - this.now();
    if (wait <= 0) {
      this.recordNow(details);
      return;
    }
    this.pending = details;
    this.pendingTimer ??= setTimeout(() => {
      this.pendingTimer = undefined;
      const latest = this.pending;
      this.pending = undefined;
      if (latest !== undefined) this.recordNow(latest);
    }, wait);
  }

  private recordNow(details: ProgressDetails): void {
    this.lastRecordedAt = this.now();
    this.sinks.record(details);
  }
}
