import type { AlertChannelRow } from '../schema.js';
import type { Executor } from './executor.js';
import { readPage } from './page.js';
import type { Dialect } from '../dialect.js';

export async function insertAlertChannel(db: Executor, row: AlertChannelRow): Promise<void> {
  await db.insertInto('alert_channels').values(row).execute();
}

export async function getAlertChannel(db: Executor, projectId: string, id: string): Promise<AlertChannelRow | undefined> {
  return db.selectFrom('alert_channels').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
}

/** The project's channels among `ids` (any that are missing or another project's are left out). */
export async function getAlertChannelsByIds(db: Executor, dialect: Dialect, projectId: string, ids: readonly string[]): Promise<AlertChannelRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('alert_channels').selectAll().where('project_id', '=', projectId).where('id', 'in', dialect.anyOf(ids)).execute();
}

export async function listAlertChannels(db: Executor, projectId: string, offset: number, limit: number): Promise<{ rows: AlertChannelRow[]; total: number }> {
  return readPage(
    () => db.selectFrom('alert_channels').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow(),
    () => db.selectFrom('alert_channels').selectAll().where('project_id', '=', projectId).orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute(),
  );
}

export async function updateAlertChannel(db: Executor, id: string, changes: Partial<Pick<AlertChannelRow, 'type' | 'name' | 'config' | 'updated_at'>>): Promise<void> {
  await db.updateTable('alert_channels').set(changes).where('id', '=', id).execute();
}

export async function deleteAlertChannel(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('alert_channels').where('id', '=', id).execute();
}
