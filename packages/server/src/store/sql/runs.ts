import { anyOf } from './anyOf.js';
import type { Executor } from './executor.js';

export async function deleteRuns(db: Executor, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('runs').where('id', 'in', anyOf(db, ids)).execute();
}
