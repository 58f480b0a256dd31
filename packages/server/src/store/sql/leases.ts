import type { Dialect } from '../dialect.js';
import type { Executor } from './executor.js';

/**
 * Extends the leases of the runs this node holds in memory; returns how many it still has. A
 * run leased to the node but not held (its claim's commit was lost on the way back) is left to
 * lapse, so whoever claims next delivers it.
 */
export function renewLeases(db: Executor, dialect: Dialect, owner: string, runIds: readonly string[], leaseUntil: number): Promise<number> {
  if (runIds.length === 0) return Promise.resolve(0);
  return dialect.renewLeases(db, owner, runIds, leaseUntil);
}

/** Gives back every run this node holds. */
export async function releaseOwnedLeases(db: Executor, owner: string): Promise<number> {
  const r = await db.updateTable('runs').set({ lease_owner: null, lease_until: null }).where('lease_owner', '=', owner).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Gives runs back so any node may claim them at once. */
export async function releaseLeases(db: Executor, dialect: Dialect, owner: string, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  await db
    .updateTable('runs')
    .set({ lease_owner: null, lease_until: null })
    .where('lease_owner', '=', owner)
    .where('id', 'in', dialect.anyOf(runIds))
    .execute();
}

/** On a database one process owns, leases left by a previous (crashed) process are void. */
export async function releaseAllLeases(db: Executor): Promise<number> {
  const r = await db.updateTable('runs').set({ lease_owner: null, lease_until: null }).where('lease_owner', 'is not', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
