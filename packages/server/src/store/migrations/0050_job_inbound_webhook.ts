import { type Kysely, sql } from 'kysely';

// The inbound webhook whose request made a job: what lists a webhook's requests. It was found by
// the job's description until now, which a user may edit and which no index serves. Jobs made
// before are linked by that description, as the list found them: the same text naming a webhook
// of the same project.
export const jobInboundWebhook = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('jobs').addColumn('inbound_webhook_id', 'text').execute();
    await sql`
      UPDATE jobs SET inbound_webhook_id = (
        SELECT w.id FROM inbound_webhooks w
        WHERE w.project_id = jobs.project_id AND jobs.description = 'Created by inbound webhook ' || w.id
      )
      WHERE jobs.description LIKE 'Created by inbound webhook %'
    `.execute(db);
    await db.schema.createIndex('jobs_inbound_webhook').on('jobs').columns(['project_id', 'inbound_webhook_id', 'created_at', 'id']).execute();
  },
};
