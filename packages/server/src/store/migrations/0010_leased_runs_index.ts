import type { Kysely } from 'kysely';

// Runs are looked up by lease owner only once leased (renewals, releases, taking leases back at
// start), yet every new run, leased or not, paid for an index entry: a partial index holds the
// leased ones only, so creating jobs writes one index fewer.
export const leasedRunsIndex = {
  async up(db: Kysely<any>) {
    await db.schema.dropIndex('runs_lease_owner').execute();
    await db.schema.createIndex('runs_lease_owner').on('runs').column('lease_owner').where('lease_owner', 'is not', null).execute();
  },
};
