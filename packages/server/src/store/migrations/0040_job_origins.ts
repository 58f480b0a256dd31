import type { Kysely } from 'kysely';

// Where an imported job came from (its source and the id it had there), so that importing the
// same source again updates the job it made, or leaves it alone when nothing changed, instead of
// making a second one. A row whose job was deleted since is replaced by the next import.
export const jobOrigins = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('job_origins')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('original_id', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('job_origins_pkey', ['project_id', 'source', 'original_id'])
      .execute();
  },
};
