import type { Kysely } from 'kysely';

// Spaces, the job fields of the full API (description, tags, space, pausing, response storage),
// idempotent creation, and what an execution sent and what it replays.
export const jobLifecycle = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('spaces')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('timezone', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('spaces_project').on('spaces').columns(['project_id', 'created_at']).execute();

    await db.schema.alterTable('jobs').addColumn('description', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('jobs').addColumn('space_id', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('store_response_body', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    await db.schema.alterTable('jobs').addColumn('paused_by', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.createIndex('jobs_space').on('jobs').column('space_id').execute();

    await db.schema
      .createTable('idempotency_keys')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['project_id', 'key'])
      .execute();

    await db.schema.alterTable('runs').addColumn('replay_of', 'text').execute();
    await db.schema.alterTable('executions').addColumn('replay_of', 'text').execute();
    await db.schema.alterTable('executions').addColumn('request_method', 'text').execute();
    await db.schema.alterTable('executions').addColumn('request_url', 'text').execute();
    await db.schema.alterTable('executions').addColumn('request_headers', 'text').execute();
    await db.schema.alterTable('executions').addColumn('request_body', 'text').execute();
    await db.schema.createIndex('executions_project_status').on('executions').columns(['project_id', 'status', 'id']).execute();
  },
};
