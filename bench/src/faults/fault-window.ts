/**
 * The fault window: the one shape the harness, the measures and the history files share, kept
 * apart so that none of them has to import another for it.
 */

/** A fault as the harness caused it: from `start` until it ended (a process killed, a server down), in ms since the epoch. */
export interface FaultWindow {
  what: string;
  start: number;
  /** When the fault was over: the server or process back, or, when a survivor took over at once, the kill itself. */
  end: number;
  /** The killed worker's identity as Temporal records it (`<pid>@<host>`), when the fault is a worker's death. */
  worker_identity?: string;
}
