import type { ProjectRow } from '../schema.js';
import type { Executor } from './executor.js';

export type ProjectSettingsChange = Partial<Pick<ProjectRow, 'name' | 'badges_enabled' | 'events_url'>>;

/** Changes a project's name and settings; false when there is no such project. */
export async function updateProjectSettings(db: Executor, id: string, change: ProjectSettingsChange): Promise<boolean> {
  if (Object.keys(change).length === 0) {
    return (await db.selectFrom('projects').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }
  const r = await db.updateTable('projects').set(change).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
