import type { SettingRow } from '../schema.js';
import type { Executor } from './executor.js';

/**
 * Stores a setting unless one with this key exists; true when this call stored it. The primary
 * key decides between concurrent callers (nodes starting together, two first sign-ups).
 */
export async function insertSettingIfAbsent(db: Executor, setting: SettingRow): Promise<boolean> {
  const r = await db
    .insertInto('settings')
    .values(setting)
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function getSetting(db: Executor, key: string): Promise<SettingRow | undefined> {
  return db.selectFrom('settings').selectAll().where('key', '=', key).executeTakeFirst();
}
