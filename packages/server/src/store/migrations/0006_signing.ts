import type { Kysely } from 'kysely';

// Signing secrets per project (Standard Webhooks); the job's redirect opt-in, its state (set by
// a `Kairos-State` response header) and its previous result, for `$state` and `$previous`.
export const signing = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('signing_secrets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('last_four', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('signing_secrets_project').on('signing_secrets').columns(['project_id']).execute();
    await db.schema.alterTable('jobs').addColumn('follow_redirects', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('jobs').addColumn('state', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('previous_result', 'text').execute();
  },
};
