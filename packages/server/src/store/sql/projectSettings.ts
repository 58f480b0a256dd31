import type { ProjectRow } from '../schema.js';
import type { Executor } from './executor.js';
import type { Dialect } from '../dialect.js';

export type ProjectSettingsChange = Partial<Pick<ProjectRow, 'name' | 'badges_enabled' | 'events_url'>>;

/** Changes a project's name and settings; false when there is no such project. */
export async function updateProjectSettings(db: Executor, id: string, change: ProjectSettingsChange): Promise<boolean> {
  if (Object.keys(change).length === 0) {
    return (await db.selectFrom('projects').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }
  const r = await db.updateTable('projects').set(change).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The event webhook URLs of those of these projects that have one. */
export async function projectEventUrls(db: Executor, dialect: Dialect, projectIds: readonly string[]): Promise<Map<string, string>> {
  if (projectIds.length === 0) return new Map();
  const rows = await db.selectFrom('projects').select(['id', 'events_url']).where('id', 'in', dialect.anyOf(projectIds)).where('events_url', 'is not', null).execute();
  return new Map(rows.map((r) => [r.id, r.events_url!]));
}
