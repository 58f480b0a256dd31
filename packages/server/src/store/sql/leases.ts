import { sql } from 'kysely';
import type { Store } from '../connect.js';
import type { Executor } from './executor.js';
import { anyOf } from './anyOf.js';
import { hotFor } from '../sqliteHot.js';

/**
 * Extends the leases of the runs this node holds in memory; returns how many it still has. A
 * run leased to the node but not held (its claim's commit was lost on the way back) is left to
 * lapse, so whoever claims next delivers it.
 */
export async function renewLeases(db: Executor, store: Pick<Store, 'claimLock'>, owner: string, runIds: readonly string[], leaseUntil: number): Promise<number> {
  if (runIds.length === 0) return 0;
  // SQLite, in a transaction: one primary-key update per run beats a scan of the node's runs.
  const hot = hotFor(store, db);
  if (hot) return hot.renewLeases(owner, runIds, leaseUntil);
  // On PostgreSQL rows locked by the outcome writer (being finished right now) are skipped
  // rather than waited for: renewal then never takes part in a deadlock.
  const r = await db
    .updateTable('runs')
    .set({ lease_until: leaseUntil })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('runs')
        .select('id')
        .where('lease_owner', '=', owner)
        .where('id', 'in', anyOf(db, runIds))
        .modifyEnd(sql.raw(store.claimLock)),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Gives back every run this node holds. */
export async function releaseOwnedLeases(db: Executor, owner: string): Promise<number> {
  const r = await db.updateTable('runs').set({ lease_owner: null, lease_until: null }).where('lease_owner', '=', owner).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Gives runs back so any node may claim them at once. */
export async function releaseLeases(db: Executor, owner: string, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  await db
    .updateTable('runs')
    .set({ lease_owner: null, lease_until: null })
    .where('lease_owner', '=', owner)
    .where('id', 'in', anyOf(db, runIds))
    .execute();
}

/** On a database one process owns, leases left by a previous (crashed) process are void. */
export async function releaseAllLeases(db: Executor): Promise<number> {
  const r = await db.updateTable('runs').set({ lease_owner: null, lease_until: null }).where('lease_owner', 'is not', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
