import { chunks, type Executor } from './executor.js';

export async function deleteRuns(db: Executor, ids: readonly string[]): Promise<void> {
  for (const part of chunks(ids, 1000)) await db.deleteFrom('runs').where('id', 'in', part).execute();
}
