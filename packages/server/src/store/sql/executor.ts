import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

/** Every operation runs on the database or inside a caller's transaction alike. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** Splits rows so no statement passes either database's bound-parameter limit. */
export function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
