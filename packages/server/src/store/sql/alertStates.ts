import type { AlertStateRow } from '../schema.js';
import { chunks, type Executor } from './executor.js';
import type { Dialect } from '../dialect.js';

/** The cooldown marks of these rules about these jobs. */
export async function alertStates(db: Executor, dialect: Dialect, ruleIds: readonly string[], jobIds: readonly string[]): Promise<AlertStateRow[]> {
  if (ruleIds.length === 0 || jobIds.length === 0) return [];
  return db.selectFrom('alert_states').selectAll().where('rule_id', 'in', dialect.anyOf(ruleIds)).where('job_id', 'in', dialect.anyOf(jobIds)).execute();
}

export async function saveAlertStates(db: Executor, rows: readonly AlertStateRow[]): Promise<void> {
  for (const part of chunks(rows, 500)) {
    await db
      .insertInto('alert_states')
      .values(part)
      .onConflict((oc) => oc.columns(['rule_id', 'job_id', 'event']).doUpdateSet((eb) => ({ last_sent_at: eb.ref('excluded.last_sent_at') })))
      .execute();
  }
}

/** Forgets marks, so the next notice of that event goes out at once (a job that recovered and breaks again). */
export async function clearAlertStates(db: Executor, marks: readonly Omit<AlertStateRow, 'last_sent_at'>[]): Promise<void> {
  for (const m of marks) await db.deleteFrom('alert_states').where('rule_id', '=', m.rule_id).where('job_id', '=', m.job_id).where('event', '=', m.event).execute();
}
