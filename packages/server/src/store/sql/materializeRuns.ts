import type { RunRow } from '../schema.js';
import { chunks, type Executor } from './executor.js';

/**
 * Stores the next scheduled run of recurring jobs and returns the ids actually inserted. An
 * occurrence that already exists (its predecessor fired twice after a lost lease) is left as it is.
 */
export async function materializeRuns(db: Executor, runs: readonly RunRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const part of chunks(runs, 500)) {
    const rows = await db
      .insertInto('runs')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    for (const r of rows) inserted.add(r.id);
  }
  return inserted;
}
