import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';

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

/** A Temporal client connected to the run's dev server; close its connection when done. */
export async function connectClient(): Promise<Client> {
  const connection = await Connection.connect({ address: temporalAddress() });
  return new Client({ connection, namespace: temporalNamespace() });
}

/** The run's workflow bundle, built once by the global setup; pass as `workflowBundle`. */
export function workflowBundle(): { codePath: string } {
  return { codePath: inject('workflowBundlePath') };
}

/** A worker-side connection to the run's dev server; close it when done. */
export async function connectWorker(): Promise<NativeConnection> {
  return NativeConnection.connect({ address: temporalAddress() });
}


// What the global setup hands to every test file through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundlePath: string;
  }
}
