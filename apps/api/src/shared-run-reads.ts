import type { Client } from '@temporalio/client';
import type { RunState } from '@ordo/core';
import { liveRunState } from './job-runs';

/**
 * Concurrent reads of one running job share their `runState` queries. A workflow answers
 * queries one at a time (each a round trip to its worker), so 200 readers each sending
 * their own queue behind one another past the query deadline and all fall back to the
 * stored view. Shared, at most one query per run is on its way, and a read is still never
 * answered from a query sent before it began: it joins the query sent after that one.
 */

/** One run's reads: the query on its way, and the one that follows it, if a read asked for it. */
interface RunReads {
  /** Its place in the order queries were sent, to tell whether it was sent after a read began. */
  sent: number;
  answer: Promise<RunState | undefined>;
  next?: Promise<RunState | undefined>;
}

let queriesSent = 0;
const readsByClient = new WeakMap<Client, Map<string, RunReads>>();

/** Where a read begins in the order of queries: pass it to `readRunState` for that read. */
export function readMark(): number {
  return queriesSent;
}

/**
 * A run's live state, as `liveRunState` answers it (undefined when the workflow did not
 * answer in time), from a query sent after `mark`: shared with every other read that
 * began before that query was sent.
 */
export function readRunState(
  client: Client,
  jobId: string,
  runId: string,
  mark: number,
): Promise<RunState | undefined> {
  let reads = readsByClient.get(client);
  if (!reads) readsByClient.set(client, (reads = new Map<string, RunReads>()));
  const runs = reads;
  const key = `${jobId}/${runId}`;

  const send = (): Promise<RunState | undefined> => {
    const entry: RunReads = { sent: ++queriesSent, answer: liveRunState(client, jobId, runId) };
    runs.set(key, entry);
    // Registered before any `next`, so this runs first and `next` then sends into an empty slot.
    void entry.answer.finally(() => {
      if (runs.get(key) === entry) runs.delete(key);
    });
    return entry.answer;
  };

  const current = runs.get(key);
  if (!current) return send();
  if (current.sent > mark) return current.answer;
  // The query on its way may have been answered before this read began. The next one, sent
  // when it ends, serves every read that arrives meanwhile; when this one got no answer in
  // time, another would not either, so the reads waiting for it are answered stale at once.
  current.next ??= current.answer.then((state) => (state === undefined ? undefined : send()));
  return current.next;
}
