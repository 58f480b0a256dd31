import type { Executor } from './executor.js';
import { anyOf } from './anyOf.js';

/** Extends every lease this node holds; returns how many runs it still holds. */
export async function renewLeases(db: Executor, owner: string, leaseUntil: number): Promise<number> {
  const r = await db.updateTable('runs').set({ lease_until: leaseUntil }).where('lease_owner', '=', owner).executeTakeFirst();
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
