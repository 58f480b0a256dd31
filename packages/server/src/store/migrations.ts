import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { core } from './migrations/0001_core.js';
import { accounts } from './migrations/0002_accounts.js';
import { jobLifecycle } from './migrations/0003_job_lifecycle.js';
import { plans } from './migrations/0004_plans.js';
import { destinations } from './migrations/0005_destinations.js';
import { signing } from './migrations/0006_signing.js';
import { projectSettings } from './migrations/0007_project_settings.js';
import { outbox } from './migrations/0009_outbox.js';
import { alerts } from './migrations/0008_alerts.js';
import { leasedRunsIndex } from './migrations/0010_leased_runs_index.js';
import { deliveryStyle } from './migrations/0020_delivery_style.js';
import { idempotencyKeyJob } from './migrations/0025_idempotency_key_job.js';
import { jobOrigins } from './migrations/0040_job_origins.js';
import { jobInboundWebhook } from './migrations/0050_job_inbound_webhook.js';

// Written with Kysely's schema builder so one definition serves SQLite and PostgreSQL. Each
// migration is a file under migrations/; their names sort in the order they run.
const migrations: Record<string, Migration> = {
  '0001_core': core,
  '0002_accounts': accounts,
  '0003_job_lifecycle': jobLifecycle,
  '0004_plans': plans,
  '0005_destinations': destinations,
  '0006_signing': signing,
  '0007_project_settings': projectSettings,
  '0009_outbox': outbox,
  '0008_alerts': alerts,
  '0010_leased_runs_index': leasedRunsIndex,
  '0020_delivery_style': deliveryStyle,
  '0025_idempotency_key_job': idempotencyKeyJob,
  '0040_job_origins': jobOrigins,
  '0050_job_inbound_webhook': jobInboundWebhook,
};

class InCodeMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** Brings the schema up to date; run on every start. */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  // Branches are given ranges of numbers and merge in any order, so a database that already ran
  // 0040 must still run a 0025 merged after it.
  const migrator = new Migrator({ db, provider: new InCodeMigrations(), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? failed?.migrationName);
    throw new Error(`database migration failed: ${reason}`);
  }
}
