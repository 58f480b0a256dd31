import type { Kysely } from 'kysely';

// The job's delivery style (domain/deliveryStyle.ts): null for Kairos's own, `runner` for the
// User-Agent and signature header Runner's receivers check.
export const deliveryStyle = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('jobs').addColumn('delivery_style', 'text').execute();
  },
};
