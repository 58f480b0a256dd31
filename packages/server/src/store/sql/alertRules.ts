import { sql } from 'kysely';
import type { AlertRuleRow } from '../schema.js';
import type { Executor } from './executor.js';
import { containsPattern } from './like.js';
import { readPage } from './page.js';
import type { Dialect } from '../dialect.js';

export async function insertAlertRule(db: Executor, row: AlertRuleRow): Promise<void> {
  await db.insertInto('alert_rules').values(row).execute();
}

export async function getAlertRule(db: Executor, projectId: string, id: string): Promise<AlertRuleRow | undefined> {
  return db.selectFrom('alert_rules').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
}

export async function listAlertRules(db: Executor, projectId: string, offset: number, limit: number): Promise<{ rows: AlertRuleRow[]; total: number }> {
  return readPage(
    () => countQuery(db, projectId).executeTakeFirstOrThrow(),
    () => db.selectFrom('alert_rules').selectAll().where('project_id', '=', projectId).orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute(),
  );
}

const countQuery = (db: Executor, projectId: string) => db.selectFrom('alert_rules').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId);

/** How many rules the project has: its plan's alert configs used. */
export async function countAlertRules(db: Executor, projectId: string): Promise<number> {
  return Number((await countQuery(db, projectId).executeTakeFirstOrThrow()).n);
}

/** The project's rules that send to the channel. */
export async function alertRulesUsingChannel(db: Executor, projectId: string, channelId: string): Promise<Pick<AlertRuleRow, 'id' | 'name'>[]> {
  // channel_ids is a JSON array of ids; the quoted id matches one element exactly.
  return db
    .selectFrom('alert_rules')
    .select(['id', 'name'])
    .where('project_id', '=', projectId)
    .where(sql<boolean>`channel_ids LIKE ${containsPattern(JSON.stringify(channelId))} ESCAPE '!'`)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function updateAlertRule(db: Executor, id: string, changes: Partial<Omit<AlertRuleRow, 'id' | 'project_id' | 'created_at'>>): Promise<void> {
  await db.updateTable('alert_rules').set(changes).where('id', '=', id).execute();
}

export async function deleteAlertRule(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('alert_rules').where('id', '=', id).execute();
  await db.deleteFrom('alert_states').where('rule_id', '=', id).execute();
}

/** The enabled rules of these projects: what the engine matches outcomes against, one read per batch. */
export async function enabledAlertRules(db: Executor, dialect: Dialect, projectIds: readonly string[]): Promise<AlertRuleRow[]> {
  if (projectIds.length === 0) return [];
  return db.selectFrom('alert_rules').selectAll().where('project_id', 'in', dialect.anyOf(projectIds)).where('enabled', '=', 1).orderBy('created_at').orderBy('id').execute();
}
