import type { TestProject } from 'vitest/node';
import { loadTestEnv } from './env';
import { startPostgres } from './postgres';

/**
 * The run's PostgreSQL server: the one `DATABASE_URL` names, else one started (and removed
 * at the end) by `startPostgres`. Tests reach it through `testStoreConfig('postgres', …)`,
 * each in a database of its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = loadTestEnv().DATABASE_URL;
  if (given !== undefined) {
    project.provide('postgresUrl', given);
    return () => Promise.resolve();
  }
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return server.stop;
}
