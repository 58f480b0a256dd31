import type { IdempotencyKeyRow } from '../schema.js';
import type { Executor } from './executor.js';

/**
 * Records the key for a creation, or returns the row already recorded for it. Inside the
 * creating transaction, so of two concurrent repeats one inserts and the other sees its row.
 */
export async function claimIdempotencyKey(db: Executor, row: IdempotencyKeyRow): Promise<IdempotencyKeyRow | undefined> {
  const inserted = await db.insertInto('idempotency_keys').values(row).onConflict((oc) => oc.doNothing()).returning('key').executeTakeFirst();
  if (inserted) return undefined;
  return db.selectFrom('idempotency_keys').selectAll().where('project_id', '=', row.project_id).where('key', '=', row.key).executeTakeFirstOrThrow();
}

export async function getIdempotencyKey(db: Executor, projectId: string, key: string): Promise<IdempotencyKeyRow | undefined> {
  return db.selectFrom('idempotency_keys').selectAll().where('project_id', '=', projectId).where('key', '=', key).executeTakeFirst();
}
