import type { Kysely } from 'kysely';

// Project settings (public badges on or off, where job events are sent) and inbound webhooks: a
// public URL whose JSON POSTs become one-time jobs aimed at the webhook's target.
export const projectSettings = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('projects').addColumn('badges_enabled', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    await db.schema.alterTable('projects').addColumn('events_url', 'text').execute();
    await db.schema
      .createTable('inbound_webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text')
      .addColumn('target_url', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('headers', 'text', (c) => c.notNull())
      .addColumn('delay_ms', 'bigint', (c) => c.notNull())
      .addColumn('secret', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('inbound_webhooks_project').on('inbound_webhooks').columns(['project_id', 'created_at']).execute();
  },
};
