import type { SigningSecretRow } from '../schema.js';
import type { Executor } from './executor.js';
import type { Dialect } from '../dialect.js';

export async function insertSigningSecret(db: Executor, row: SigningSecretRow): Promise<void> {
  await db.insertInto('signing_secrets').values(row).execute();
}

/** The live secrets of these projects at `now`, oldest first. */
export async function liveSigningSecrets(db: Executor, dialect: Dialect, projectIds: readonly string[], now: number): Promise<SigningSecretRow[]> {
  if (projectIds.length === 0) return [];
  return db
    .selectFrom('signing_secrets')
    .selectAll()
    .where('project_id', 'in', dialect.anyOf(projectIds))
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Gives every live secret of the project without an end an end at `expiresAt`; returns how many. */
export async function expireCurrentSigningSecrets(db: Executor, projectId: string, expiresAt: number): Promise<number> {
  const r = await db
    .updateTable('signing_secrets')
    .set({ expires_at: expiresAt })
    .where('project_id', '=', projectId)
    .where('revoked_at', 'is', null)
    .where('expires_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Revokes a live secret of this project; false when there was none. */
export async function revokeSigningSecret(db: Executor, projectId: string, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('signing_secrets')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('project_id', '=', projectId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
