import type { Transaction } from 'kysely';
import type { Store } from './connect.js';
import type { Database } from './schema.js';

// PostgreSQL aborts one of two transactions that wait on each other (deadlock_detected) or
// that cannot be serialised; the work is sound, only its timing was unlucky, so it is retried.
const retryable = new Set(['40P01', '40001']);
const attempts = 5;

/**
 * Runs `work` in one transaction, again (from the start) when PostgreSQL aborted it for a
 * deadlock with another transaction. `work` must not have effects outside the database.
 */
export async function inTransaction<T>(store: Store, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.db.transaction().execute(work);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= attempts || code === undefined || !retryable.has(code)) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}
