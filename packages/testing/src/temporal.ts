import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { freePort } from './free-port';

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

/** `host:port` of a local port nothing listens on: Temporal down, as the API meets it in production. */
export async function unreachableTemporalAddress(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
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
