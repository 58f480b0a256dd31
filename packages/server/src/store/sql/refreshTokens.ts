import type { RefreshTokenRow } from '../schema.js';
import type { Executor } from './executor.js';

export async function insertRefreshToken(db: Executor, token: RefreshTokenRow): Promise<void> {
  await db.insertInto('refresh_tokens').values(token).execute();
}

/** The token with this hash, whatever its state: a used one must be recognised to detect reuse. */
export async function findRefreshTokenByHash(db: Executor, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/**
 * Marks a live token used. Only one of two concurrent uses can win: the loser sees false and
 * must treat its token as reused.
 */
export async function markRefreshTokenUsed(db: Executor, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('refresh_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Revokes every token of one sign-in, used or not. */
export async function revokeRefreshFamily(db: Executor, familyId: string, now: number): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: now }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
}

/** True while the sign-in has not been revoked (its latest token is neither revoked nor replaced by a revocation). */
export async function isRefreshFamilyLive(db: Executor, familyId: string): Promise<boolean> {
  const row = await db.selectFrom('refresh_tokens').select('id').where('family_id', '=', familyId).where('revoked_at', 'is', null).limit(1).executeTakeFirst();
  return row !== undefined;
}
