import type { Kysely } from 'kysely';

// What a run sets off once it is recorded: a job's follow-up, callback and events URLs, its
// count of consecutive failed runs (alerts and recovery), and the outbox of messages
// (callbacks, lifecycle events, project events, alert notices) that are delivered with retries
// after the outcome that caused them is committed, in the same transaction as that outcome;
// and when each alert rule last notified about each job, for cooldowns that survive restarts.
export const outbox = {
  async up(db: Kysely<any>) {
    for (const column of ['on_complete', 'callback_url', 'failure_callback_url', 'events_url', 'parent_job_id']) {
      await db.schema.alterTable('jobs').addColumn(column, 'text').execute();
    }
    await db.schema.alterTable('jobs').addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema
      .createTable('outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('url', 'text')
      .addColumn('channel_id', 'text')
      .addColumn('rule_id', 'text')
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('last_response', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'due_at']).execute();
    await db.schema.createIndex('outbox_project').on('outbox').columns(['project_id', 'kind', 'id']).execute();
    // When each rule last notified about each job, per event: what cooldowns are measured from.
    await db.schema
      .createTable('alert_states')
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('last_sent_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('alert_states_pk', ['rule_id', 'job_id', 'event'])
      .execute();
  },
};
