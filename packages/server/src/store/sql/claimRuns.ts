import type { ClaimParams, Dialect } from '../dialect.js';
import type { RunRow } from '../schema.js';
import type { Executor } from './executor.js';

export type { ClaimParams };

/**
 * Leases up to `limit` runs that are due by `dueBefore` and not held by a live lease, earliest
 * first, in one statement. A run whose lease ran out (its node died) is taken like a new one.
 * Two claims at once never take the same run: PostgreSQL's skip the rows the other locked,
 * SQLite's take turns.
 */
export function claimRuns(db: Executor, dialect: Dialect, p: ClaimParams): Promise<RunRow[]> {
  return dialect.claimRuns(db, p);
}
