import type { RunRow } from '../schema.js';
import { chunks, type Executor } from './executor.js';

/**
 * Stores the next scheduled run of recurring jobs. An occurrence that
 * already exists (its predecessor was claimed twice after a lost lease) is left as it is.
 */
export async function materializeRuns(db: Executor, runs: readonly RunRow[]): Promise<void> {
  for (const part of chunks(runs, 500)) {
    await db
      .insertInto('runs')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
