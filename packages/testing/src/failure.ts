import { ApplicationFailure } from '@temporalio/client';
import { expect } from 'vitest';

/** The ApplicationFailure a promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function applicationFailureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}
