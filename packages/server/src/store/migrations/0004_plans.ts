import type { Kysely } from 'kysely';

// Plans per project and run counters per project and period (day and month, UTC).
export const plans = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('projects').addColumn('plan', 'text').execute();
    await db.schema
      .createTable('usage_counters')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('runs', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('usage_counters_pk', ['project_id', 'period'])
      .execute();
    await db.schema.createIndex('executions_completed').on('executions').columns(['completed_at']).execute();
  },
};
