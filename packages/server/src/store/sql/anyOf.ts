import { PostgresAdapter, type RawBuilder, sql } from 'kysely';
import type { Executor } from './executor.js';

/**
 * A list of ids as one bound parameter, for `where(column, 'in', anyOf(db, ids))`. A literal
 * `IN (?, ?, …)` makes a new statement for every list length, and SQLite compiles each anew;
 * one parameter keeps one prepared statement however long the batch.
 */
export function anyOf(db: Executor, ids: readonly string[]): RawBuilder<string> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return sql<string>`(SELECT unnest(${ids as string[]}::text[]))`;
  return sql<string>`(SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}
