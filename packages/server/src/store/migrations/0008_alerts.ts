import type { Kysely } from 'kysely';

// Alert channels (where notices go, secrets in `config`) and rules (which outcomes of which jobs
// notify which channels). A rule names its channels in a JSON array, so deleting a channel that
// a rule names is refused by the service rather than by a foreign key.
export const alerts = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('alert_channels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alert_channels_project').on('alert_channels').columns(['project_id', 'created_at']).execute();
    await db.schema
      .createTable('alert_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('channel_ids', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text')
      .addColumn('space_id', 'text')
      .addColumn('tag', 'text')
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('consecutive_failures_threshold', 'integer', (c) => c.notNull())
      .addColumn('cooldown_minutes', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alert_rules_project').on('alert_rules').columns(['project_id', 'created_at']).execute();
  },
};
