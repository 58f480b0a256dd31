import type { ApiKeyRow, ProjectRow } from '../schema.js';
import type { Dialect } from '../dialect.js';
import type { Executor } from './executor.js';
import { type Page, readPage } from './page.js';

export async function insertProject(db: Executor, project: ProjectRow): Promise<void> {
  await db.insertInto('projects').values(project).execute();
}

export async function insertApiKey(db: Executor, key: ApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(key).execute();
}

/** The live key with this hash, if any. */
export async function findApiKeyByHash(db: Executor, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst();
}

export async function getProject(db: Executor, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The project with this id when `ownerId` owns it. */
export async function getOwnedProject(db: Executor, ownerId: string, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).where('owner_id', '=', ownerId).executeTakeFirst();
}

/** Up to `limit` ids of the projects a user owns, oldest first. */
export async function ownedProjectIds(db: Executor, ownerId: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('projects').select('id').where('owner_id', '=', ownerId).orderBy('created_at').orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

export type ProjectPage = Page<ProjectRow>;

/** A user's projects, oldest first (the first one is the one made at sign-up). */
export async function listOwnedProjects(db: Executor, ownerId: string, offset: number, limit: number): Promise<ProjectPage> {
  return readPage(
    () => db.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('n')).where('owner_id', '=', ownerId).executeTakeFirstOrThrow(),
    () => db.selectFrom('projects').selectAll().where('owner_id', '=', ownerId).orderBy('created_at').orderBy('id').offset(offset).limit(limit).execute(),
  );
}

export type ApiKeyPage = Page<ApiKeyRow>;

/** A project's live keys, newest first. */
export async function listApiKeys(db: Executor, projectId: string, offset: number, limit: number): Promise<ApiKeyPage> {
  const live = () => db.selectFrom('api_keys').where('project_id', '=', projectId).where('revoked_at', 'is', null);
  return readPage(
    () => live().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    () => live().selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute(),
  );
}

/** The live key with this id in this project. */
export async function getApiKey(db: Executor, projectId: string, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).where('project_id', '=', projectId).where('revoked_at', 'is', null).executeTakeFirst();
}

/** Revokes a live key of this project; false when there was none to revoke. */
export async function revokeApiKey(db: Executor, projectId: string, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('project_id', '=', projectId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Records a key's use unless one was recorded within `intervalMs`: at most one write per interval. */
export async function touchApiKey(db: Executor, id: string, now: number, intervalMs: number): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', now - intervalMs)]))
    .execute();
}

/**
 * Makes changes that count a project's things against its plan take turns: the project row is
 * locked until the transaction ends (PostgreSQL; SQLite runs one transaction at a time anyway).
 */
export function lockProject(db: Executor, dialect: Dialect, projectId: string): Promise<void> {
  return dialect.lockProject(db, projectId);
}
