import type { ApiKeyRow, ProjectRow } from '../schema.js';
import type { Executor } from './executor.js';

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
