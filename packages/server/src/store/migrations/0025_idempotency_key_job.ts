import type { Kysely } from 'kysely';

// The key a job was made with, looked up from the job (Booper shows `idempotency_key` on every read).
export const idempotencyKeyJob = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('idempotency_keys_job').on('idempotency_keys').columns(['project_id', 'job_id']).execute();
  },
};
