import type { SpaceRow } from '../schema.js';
import type { Executor } from './executor.js';
import { readPage } from './page.js';
import type { Dialect } from '../dialect.js';

export type SpaceWithCounts = SpaceRow & { job_count: number; active_count: number; paused_count: number };

function selectSpaces(db: Executor) {
  return db
    .selectFrom('spaces')
    .selectAll('spaces')
    .select((eb) => [
      eb.selectFrom('jobs').select((j) => j.fn.countAll<number>().as('n')).whereRef('jobs.space_id', '=', 'spaces.id').as('job_count'),
      eb.selectFrom('jobs').select((j) => j.fn.countAll<number>().as('n')).whereRef('jobs.space_id', '=', 'spaces.id').where('jobs.status', '=', 'active').as('active_count'),
      eb.selectFrom('jobs').select((j) => j.fn.countAll<number>().as('n')).whereRef('jobs.space_id', '=', 'spaces.id').where('jobs.status', '=', 'paused').as('paused_count'),
    ]);
}

const counted = (row: SpaceRow & { job_count: unknown; active_count: unknown; paused_count: unknown }): SpaceWithCounts => ({
  ...row,
  job_count: Number(row.job_count),
  active_count: Number(row.active_count),
  paused_count: Number(row.paused_count),
});

export async function insertSpace(db: Executor, space: SpaceRow): Promise<void> {
  await db.insertInto('spaces').values(space).execute();
}

export async function getSpace(db: Executor, projectId: string, id: string): Promise<SpaceWithCounts | undefined> {
  const row = await selectSpaces(db).where('spaces.id', '=', id).where('spaces.project_id', '=', projectId).executeTakeFirst();
  return row && counted(row);
}

export async function listSpaces(db: Executor, projectId: string, offset: number, limit: number): Promise<{ rows: SpaceWithCounts[]; total: number }> {
  const page = await readPage(
    () => db.selectFrom('spaces').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow(),
    () => selectSpaces(db).where('spaces.project_id', '=', projectId).orderBy('spaces.created_at', 'desc').orderBy('spaces.id', 'desc').offset(offset).limit(limit).execute(),
  );
  return { rows: page.rows.map(counted), total: page.total };
}

export async function updateSpace(db: Executor, id: string, changes: Partial<Pick<SpaceRow, 'name' | 'timezone' | 'updated_at'>>): Promise<void> {
  await db.updateTable('spaces').set(changes).where('id', '=', id).execute();
}

export async function deleteSpace(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('spaces').where('id', '=', id).execute();
}

/** Ids of the space's jobs in a status, for pausing or resuming the space. */
export async function jobIdsInSpace(db: Executor, spaceId: string, status: 'active' | 'paused', pausedBy?: 'space'): Promise<string[]> {
  let q = db.selectFrom('jobs').select('id').where('space_id', '=', spaceId).where('status', '=', status);
  if (pausedBy) q = q.where('paused_by', '=', pausedBy);
  return (await q.execute()).map((r) => r.id);
}

export async function getSpacesByIds(db: Executor, dialect: Dialect, projectId: string, ids: readonly string[]): Promise<SpaceRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('spaces').selectAll().where('project_id', '=', projectId).where('id', 'in', dialect.anyOf(ids)).execute();
}
