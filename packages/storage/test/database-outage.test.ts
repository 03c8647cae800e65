import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, pollUntil, startPostgres, tempDataDir, type PostgresServer } from '@ordo/testing';
import { isDatabaseUnavailable, openStore, type OrdoStore } from '../src/index';

const WORKFLOW = {
  name: 'wf',
  status: 'DRAFT' as const,
  input_variables: [],
  steps: [
    {
      type: 'tool' as const,
      step_id: 'nap',
      tool: { tool_id: 'sleep', name: 'Sleep' },
      parameter_mappings: { ms: { const: 1 } },
      output_mappings: {},
    },
  ],
};

/** What a promise settled with: its value, or the error it was rejected with. */
const settled = <T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

/**
 * PostgreSQL stopped at once (`pg_ctl stop -m immediate`, as a crash) under a store that is
 * using it, on a server of the test's own: a query running, a transaction holding its
 * connection idle, idle connections in the pool. Nothing may crash the process (an `error`
 * event nobody listens to would); every call fails as the database being unavailable while it
 * is down; the same store answers again once it is back, without being reopened.
 */
describe('a PostgreSQL outage under an open store', () => {
  let server: PostgresServer;
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  let store: OrdoStore;

  beforeAll(async () => {
    server = await startPostgres();
    data = await tempDataDir('pg-outage');
    const database = await createDatabase(server.url, 'outage');
    store = await openStore({ dataDir: data.path, databaseUrl: database.url });
  });
  afterAll(async () => {
    await store?.close().catch(() => undefined);
    await server?.stop();
    await data?.remove();
  });

  it('fails calls as unavailable while the server is down, keeps the process up, and answers again once it is back', async () => {
    expect((await store.workflows.create({ workflow_id: 'before', ...WORKFLOW }, new Date().toISOString())).ok).toBe(
      true,
    );
    // Several idle connections in the pool, one busy with a query, one held by a transaction between statements.
    await Promise.all(Array.from({ length: 4 }, () => store.ping()));
    const running = settled(sql`select pg_sleep(30)`.execute(store.db));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inTransaction!: () => void;
    const begun = new Promise<void>((resolve) => (inTransaction = resolve));
    const transaction = settled(
      store.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('workflows')
          .values({
            workflow_id: 'half',
            version: 1,
            name: 'half',
            description: null,
            status: 'DRAFT',
            definition: '{}',
            created_at: '',
            updated_at: '',
            revision: 0,
          })
          .execute();
        inTransaction();
        await held;
        await sql`select 1`.execute(trx);
      }),
    );
    await begun;
    await pollUntil(
      () =>
        sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where query like 'select pg_sleep%'`.execute(
          store.db,
        ),
      (r) => r.rows[0]!.n > 0,
    );

    await server.halt();
    const query = await running;
    expect('error' in query && isDatabaseUnavailable(query.error), JSON.stringify(query)).toBe(true);
    release();
    const ended = await transaction;
    expect('error' in ended && isDatabaseUnavailable(ended.error), JSON.stringify(ended)).toBe(true);
    for (const call of [
      () => store.ping(),
      () => store.workflows.get('before'),
      () => store.workflows.create({ workflow_id: 'during', ...WORKFLOW }, new Date().toISOString()),
    ] as (() => Promise<unknown>)[]) {
      const outcome = await settled(call());
      expect('error' in outcome && isDatabaseUnavailable(outcome.error), JSON.stringify(outcome)).toBe(true);
    }

    await server.resume();
    // Connections the outage broke are gone from the pool: the next calls open new ones.
    await pollUntil(
      () => settled(store.ping()),
      (outcome) => 'value' in outcome,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect((await store.workflows.get('before'))?.workflow_id).toBe('before');
    expect((await store.workflows.create({ workflow_id: 'after', ...WORKFLOW }, new Date().toISOString())).ok).toBe(
      true,
    );
    // The transaction cut off by the outage left nothing behind.
    expect(
      await store.db.selectFrom('workflows').select('workflow_id').where('workflow_id', '=', 'half').execute(),
    ).toEqual([]);
  });
});

/**
 * SQLite's outage: the database file locked by another connection's write transaction past the
 * busy timeout. Writes fail as the database being unavailable; reads go on (WAL); writes
 * succeed again once the lock is released.
 */
describe('a locked SQLite database', () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  let store: OrdoStore;

  beforeEach(async () => {
    data = await tempDataDir('sqlite-locked');
    store = await openStore({ dataDir: data.path });
  });
  afterEach(async () => {
    await store.close();
    await data.remove();
  });

  it('fails writes as unavailable while another connection holds the write lock, reads on, and writes again once it is released', async () => {
    expect((await store.workflows.create({ workflow_id: 'before', ...WORKFLOW }, new Date().toISOString())).ok).toBe(
      true,
    );
    const other = new SqliteDatabase(join(data.path, 'ordo.db'));
    try {
      other.exec('BEGIN EXCLUSIVE');
      const write = await settled(
        store.workflows.create({ workflow_id: 'locked', ...WORKFLOW }, new Date().toISOString()),
      );
      expect('error' in write && isDatabaseUnavailable(write.error), JSON.stringify(write)).toBe(true);
      expect((await store.workflows.get('before'))?.workflow_id).toBe('before');
      other.exec('COMMIT');
    } finally {
      other.close();
    }
    expect((await store.workflows.create({ workflow_id: 'after', ...WORKFLOW }, new Date().toISOString())).ok).toBe(
      true,
    );
  });

  it('tells other errors from an unavailable database', () => {
    expect(
      isDatabaseUnavailable(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' })),
    ).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        new Error('wrapped', { cause: Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }) }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable('text')).toBe(false);
  });
});
