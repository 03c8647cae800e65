import type { Expression, ExpressionBuilder, Kysely, OnConflictDatabase, OnConflictTables, SqlBool } from 'kysely';
import { withoutKeys } from './job-rows';
import type { Database, StepRunTable } from './schema';

/** A condition on the stored step row an upsert meets (`step_runs.*`), as an ON CONFLICT … WHERE takes it. */
export type StoredStepCondition = (
  eb: ExpressionBuilder<OnConflictDatabase<Database, 'step_runs'>, OnConflictTables<'step_runs'>>,
) => Expression<SqlBool>;

/** The step rows of a run, by index, as stored (the API's reads and a retry's claim both read them). */
export function selectStepRunRows(db: Kysely<Database>, runId: string) {
  return db.selectFrom('step_runs').selectAll().where('run_id', '=', runId).orderBy('step_index').execute();
}

/**
 * Writes a step record whole: inserted, or replacing the stored row of the same run and
 * index, only where `replaces` holds of it when given (a run's own record replaces always).
 * The one upsert of a whole step row, for the run's writes and for a run ended outside it.
 */
export function upsertStepRun(db: Kysely<Database>, row: StepRunTable, replaces?: StoredStepCondition) {
  return db
    .insertInto('step_runs')
    .values(row)
    .onConflict((oc) => {
      const update = oc.columns(['run_id', 'step_index']).doUpdateSet(withoutKeys(row));
      return replaces === undefined ? update : update.where(replaces);
    })
    .execute();
}
