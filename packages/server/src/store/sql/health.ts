import { sql } from 'kysely';
import type { Executor } from './executor.js';

/** The cheapest statement the database must answer: a health probe's. */
export async function pingDatabase(db: Executor): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
