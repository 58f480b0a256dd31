import { sql } from 'kysely';
import type { Executor } from './executor.js';
import type { Dialect } from '../dialect.js';

export interface UsageIncrement {
  projectId: string;
  period: string;
  runs: number;
}

/** Adds deliveries to the counters, creating them on first use. */
export async function addUsage(db: Executor, increments: readonly UsageIncrement[]): Promise<void> {
  for (const inc of increments) {
    await db
      .insertInto('usage_counters')
      .values({ project_id: inc.projectId, period: inc.period, runs: inc.runs })
      .onConflict((oc) => oc.columns(['project_id', 'period']).doUpdateSet({ runs: sql`usage_counters.runs + excluded.runs` }))
      .execute();
  }
}

/** Counters of the given projects in the given periods; a missing one is zero. */
export async function getUsage(db: Executor, dialect: Dialect, projectIds: readonly string[], periods: readonly string[]): Promise<Map<string, number>> {
  if (projectIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('usage_counters')
    .select(['project_id', 'period', 'runs'])
    .where('project_id', 'in', dialect.anyOf(projectIds))
    .where('period', 'in', periods as string[])
    .execute();
  return new Map(rows.map((r) => [`${r.project_id} ${r.period}`, Number(r.runs)]));
}

/** Each project's plan name (null: the default plan). */
export async function getProjectPlans(db: Executor, dialect: Dialect, projectIds: readonly string[]): Promise<Map<string, string | null>> {
  if (projectIds.length === 0) return new Map();
  const rows = await db.selectFrom('projects').select(['id', 'plan']).where('id', 'in', dialect.anyOf(projectIds)).execute();
  return new Map(rows.map((r) => [r.id, r.plan ?? null]));
}

export async function setProjectPlan(db: Executor, projectId: string, plan: string | null): Promise<boolean> {
  const r = await db.updateTable('projects').set({ plan }).where('id', '=', projectId).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Deletes up to `limit` executions of the given projects completed before `before`; returns how many. */
export async function pruneExecutions(db: Executor, dialect: Dialect, projectIds: readonly string[], before: number, limit: number): Promise<number> {
  if (projectIds.length === 0) return 0;
  const r = await db
    .deleteFrom('executions')
    .where('id', 'in', (eb) =>
      eb.selectFrom('executions').select('id').where('project_id', 'in', dialect.anyOf(projectIds)).where('completed_at', '<', before).limit(limit),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Ids of the projects on a plan (`null` plan rows count for the default plan). */
export async function projectsOnPlan(db: Executor, plan: string, isDefault: boolean): Promise<string[]> {
  let q = db.selectFrom('projects').select('id');
  q = isDefault ? q.where((eb) => eb.or([eb('plan', '=', plan), eb('plan', 'is', null)])) : q.where('plan', '=', plan);
  return (await q.execute()).map((r) => r.id);
}
