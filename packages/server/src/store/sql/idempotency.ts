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

/** The key that names this job now, if one does. */
export async function idempotencyKeyOfJob(db: Executor, projectId: string, jobId: string): Promise<string | undefined> {
  const row = await db.selectFrom('idempotency_keys').select('key').where('project_id', '=', projectId).where('job_id', '=', jobId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  return row?.key;
}

/**
 * Moves a key from the job it named (`from`) to a new one; undefined when moved, else the row as
 * another request left it (it moved the key first). Inside the creating transaction.
 */
export async function repointIdempotencyKey(db: Executor, row: IdempotencyKeyRow, from: string): Promise<IdempotencyKeyRow | undefined> {
  const moved = await db
    .updateTable('idempotency_keys')
    .set({ job_id: row.job_id, request_hash: row.request_hash, created_at: row.created_at })
    .where('project_id', '=', row.project_id)
    .where('key', '=', row.key)
    .where('job_id', '=', from)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) === 1) return undefined;
  return (await getIdempotencyKey(db, row.project_id, row.key)) ?? (await claimIdempotencyKey(db, row));
}
