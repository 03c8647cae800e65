import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { freePort } from './processes';

/** The address of the run's Temporal dev server, started by the global setup. */
export function temporalAddress(): string {
  return inject('temporalAddress');
}

export function temporalNamespace(): string {
  return inject('temporalNamespace');
}

/** A task queue no other test uses, so tests never pick up each other's tasks. */
export function uniqueTaskQueue(label: string): string {
  return `test-${label}-${randomUUID()}`;
}

/** A Temporal client connected to the run's dev server (or the one at `address`); close its connection when done. */
export async function connectClient(address = temporalAddress(), namespace = temporalNamespace()): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

/**
 * A lazy client connection to a port nothing listens on: Temporal down, as the API meets it
 * in production, failing on first use. No gRPC retries: the SDK's retry interceptor keeps
 * retrying an abandoned call on a timer and throws from that timer ("Channel has been shut
 * down") once the test has closed the connection; what such tests check is the API's own
 * deadlines and fallbacks, not the retries.
 */
export async function unreachableTemporalConnection(): Promise<Connection> {
  return Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: '1 second', interceptors: [] });
}

/** The run's workflow bundle, built once by the global setup; pass as `workflowBundle`. */
export function workflowBundle(): { codePath: string } {
  return { codePath: inject('workflowBundlePath') };
}

/** A worker-side connection to the run's dev server (or the one at `address`); close it when done. */
export async function connectWorker(address = temporalAddress()): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}


// What the global setup hands to every test file through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundlePath: string;
  }
}
