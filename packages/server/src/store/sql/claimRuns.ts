import { sql } from 'kysely';
import type { Store } from '../connect.js';
import type { RunRow } from '../schema.js';
import type { Executor } from './executor.js';
import { hotFor } from '../sqliteHot.js';

export interface ClaimParams {
  owner: string;
  now: number;
  /** Claim runs due up to this instant. */
  dueBefore: number;
  leaseUntil: number;
  limit: number;
}

/**
 * Leases up to `limit` runs that are due by `dueBefore` and not held by a live lease, earliest
 * first, in one statement. A run whose lease ran out (its node died) is taken like a new one.
 */
export async function claimRuns(db: Executor, store: Pick<Store, 'claimLock'>, p: ClaimParams): Promise<RunRow[]> {
  const hot = hotFor(store, db);
  if (hot) return hot.claimRuns(p.owner, p.leaseUntil, p.dueBefore, p.now, p.limit);
  const result = await sql<RunRow>`
    UPDATE runs SET lease_owner = ${p.owner}, lease_until = ${p.leaseUntil}
    WHERE id IN (
      SELECT id FROM runs
      WHERE due_at <= ${p.dueBefore} AND (lease_until IS NULL OR lease_until < ${p.now})
      ORDER BY due_at
      LIMIT ${p.limit}
      ${sql.raw(store.claimLock)}
    )
    RETURNING *`.execute(db);
  return result.rows;
}
