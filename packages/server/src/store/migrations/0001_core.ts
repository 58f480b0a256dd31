import { type Kysely, sql } from 'kysely';

// Projects, keys, jobs, their pending runs and the history of attempts.
export const core = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('projects')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('last_four', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();

    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('name', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('headers', 'text', (c) => c.notNull())
      .addColumn('query', 'text', (c) => c.notNull())
      .addColumn('body', 'text')
      .addColumn('payload', 'text')
      .addColumn('schedule', 'text', (c) => c.notNull())
      .addColumn('retry_policy', 'text', (c) => c.notNull())
      .addColumn('timeout_ms', 'integer', (c) => c.notNull())
      .addColumn('last_run_at', 'bigint')
      .addColumn('last_status', 'text')
      .addColumn('last_status_code', 'integer')
      .addColumn('last_duration_ms', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('jobs_project_created').on('jobs').columns(['project_id', 'created_at']).execute();

    // No foreign key to jobs: deleting a job removes its runs explicitly, and the engine
    // never has to order its writes around a constraint.
    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('triggered_by', 'text', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    // The claim scans this index in due order and skips leased rows without a table lookup.
    await db.schema.createIndex('runs_due').on('runs').columns(['due_at', 'lease_until']).execute();
    await db.schema.createIndex('runs_job').on('runs').column('job_id').execute();
    await db.schema.createIndex('runs_lease_owner').on('runs').column('lease_owner').execute();
    // One scheduled occurrence per instant: a run claimed twice (after a lost lease) cannot
    // materialise its successor twice.
    await sql`CREATE UNIQUE INDEX runs_scheduled_once ON runs (job_id, due_at) WHERE triggered_by = 'schedule'`.execute(db);

    await db.schema
      .createTable('executions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('triggered_by', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('scheduled_for', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint', (c) => c.notNull())
      .addColumn('response_headers', 'text')
      .addColumn('response_body', 'text')
      .execute();
    await db.schema.createIndex('executions_job').on('executions').columns(['job_id', 'id']).execute();
    await db.schema.createIndex('executions_project').on('executions').columns(['project_id', 'id']).execute();
  },
};
