/** What the echo activity takes and returns: the same shape as Ordo's `noop` tool. */
export interface EchoValue {
  value: unknown;
}

/**
 * The hand-written baseline's activity: it returns its value, which is all Ordo's `noop`
 * tool does, so both sides pay the same for the work itself and differ only in what
 * surrounds it.
 */
export function echo({ value }: EchoValue): Promise<EchoValue> {
  return Promise.resolve({ value: value ?? null });
}

/** The activities of the hand-written worker, by name. */
export const echoActivities = { echo };

/** Their types, for `proxyActivities`. */
export type EchoActivities = typeof echoActivities;
