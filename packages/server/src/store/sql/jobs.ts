import { type Kysely, sql } from 'kysely';
import { finishedStatuses, liveStatuses } from '../../domain/jobState.js';
import type { Database, JobRow, JobStatus, JobWithNextRun } from '../schema.js';
import type { Executor } from './executor.js';
import { containsPattern } from './like.js';
import { readPage } from './page.js';
import type { Dialect } from '../dialect.js';

export function insertJobs(db: Executor, dialect: Dialect, jobs: readonly JobRow[]): Promise<void> {
  return dialect.insertRows(db, 'jobs', jobs);
}

/** Jobs with their next due instant: the earliest run still owed, whether scheduled or a retry. */
export function selectJobs(db: Executor) {
  return (db as Kysely<Database>)
    .selectFrom('jobs')
    .selectAll('jobs')
    .select((eb) => eb.selectFrom('runs').select((r) => r.fn.min<number | null>('runs.due_at').as('d')).whereRef('runs.job_id', '=', 'jobs.id').as('next_run_at'));
}

export async function getJob(db: Executor, projectId: string, id: string): Promise<JobWithNextRun | undefined> {
  return selectJobs(db).where('jobs.id', '=', id).where('jobs.project_id', '=', projectId).executeTakeFirst();
}

export async function getJobs(db: Executor, dialect: Dialect, projectId: string, ids: readonly string[]): Promise<JobWithNextRun[]> {
  if (ids.length === 0) return [];
  return selectJobs(db).where('jobs.project_id', '=', projectId).where('jobs.id', 'in', dialect.anyOf(ids)).execute();
}

export interface JobFilter {
  status?: JobStatus;
  tag?: string;
  spaceId?: string;
  /** Part of the name or URL, any case. */
  q?: string;
}

export interface JobPage {
  rows: JobWithNextRun[];
  total: number;
}

/** Newest first. */
export async function listJobs(db: Executor, projectId: string, filter: JobFilter, offset: number, limit: number): Promise<JobPage> {
  const where = <Q extends { where: (...args: any[]) => Q }>(q: Q): Q => {
    let out = q.where('jobs.project_id', '=', projectId);
    if (filter.status) out = out.where('jobs.status', '=', filter.status);
    if (filter.spaceId) out = out.where('jobs.space_id', '=', filter.spaceId);
    // Tags are a JSON array; the quoted tag matches one element exactly.
    if (filter.tag) out = out.where(sql<boolean>`jobs.tags LIKE ${containsPattern(JSON.stringify(filter.tag))} ESCAPE '!'`);
    if (filter.q) {
      const pattern = containsPattern(filter.q.toLowerCase());
      out = out.where(sql<boolean>`(lower(jobs.name) LIKE ${pattern} ESCAPE '!' OR lower(jobs.url) LIKE ${pattern} ESCAPE '!')`);
    }
    return out;
  };
  return readPage(
    () => where((db as Kysely<Database>).selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n'))).executeTakeFirstOrThrow(),
    () => where(selectJobs(db)).orderBy('jobs.created_at', 'desc').orderBy('jobs.id', 'desc').offset(offset).limit(limit).execute(),
  );
}

/** The jobs an inbound webhook's requests made, newest first (index jobs_inbound_webhook). */
export async function listJobsOfInboundWebhook(db: Executor, projectId: string, webhookId: string, offset: number, limit: number): Promise<JobPage> {
  const where = <Q extends { where: (...args: any[]) => Q }>(q: Q): Q => q.where('jobs.project_id', '=', projectId).where('jobs.inbound_webhook_id', '=', webhookId);
  return readPage(
    () => where((db as Kysely<Database>).selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n'))).executeTakeFirstOrThrow(),
    () => where(selectJobs(db)).orderBy('jobs.created_at', 'desc').orderBy('jobs.id', 'desc').offset(offset).limit(limit).execute(),
  );
}

/**
 * Raises the revision of the project's jobs among `ids` and returns them: the first statement of
 * every change to a job, so the row is locked for the rest of the transaction and a next
 * occurrence computed from the old definition is no longer written.
 */
export async function lockJobs(db: Executor, dialect: Dialect, projectId: string, ids: readonly string[]): Promise<JobRow[]> {
  if (ids.length === 0) return [];
  return db
    .updateTable('jobs')
    .set({ revision: sql`revision + 1` })
    .where('project_id', '=', projectId)
    .where('id', 'in', dialect.anyOf(ids))
    .returningAll()
    .execute();
}

export async function updateJob(db: Executor, id: string, changes: Partial<Omit<JobRow, 'id' | 'project_id' | 'created_at'>>): Promise<void> {
  await db.updateTable('jobs').set(changes).where('id', '=', id).execute();
}

/** Removes the job, its pending runs and its history; the ids of the runs it had, or null when there was no such job. */
export async function deleteJob(db: Executor, projectId: string, id: string): Promise<string[] | null> {
  const deleted = await db.deleteFrom('jobs').where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) return null;
  const runs = await db.deleteFrom('runs').where('job_id', '=', id).returning('id').execute();
  await db.deleteFrom('executions').where('job_id', '=', id).execute();
  // Its alert cooldowns go with it; messages already written about it are still sent.
  await db.deleteFrom('alert_states').where('job_id', '=', id).execute();
  return runs.map((r) => r.id);
}

/** The jobs with these ids, whatever their project (a deleted one is absent). */
export function getJobsByIds(db: Executor, dialect: Dialect, ids: readonly string[]): Promise<JobRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return dialect.jobsByIds(db, ids);
}

/**
 * The project's jobs that still count against its plan: active or paused. Completed, failed and
 * cancelled one-time jobs are history (follow-ups and inbound webhooks leave many of them).
 */
export async function countLiveJobs(db: Executor, projectId: string): Promise<number> {
  const { n } = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .where('status', 'in', liveStatuses)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/**
 * Deletes one-time jobs of these projects that finished (completed, failed or cancelled) before
 * `before` and have no run left, at most `limit`: history past retention, like their executions.
 */
export async function pruneFinishedJobs(db: Executor, dialect: Dialect, projectIds: readonly string[], before: number, limit: number): Promise<number> {
  if (projectIds.length === 0) return 0;
  const r = await db
    .deleteFrom('jobs')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('jobs as j')
        .select('j.id')
        .where('j.project_id', 'in', dialect.anyOf(projectIds))
        .where('j.status', 'in', finishedStatuses)
        .where('j.updated_at', '<', before)
        .where((w) => w.not(w.exists(w.selectFrom('runs').select('runs.id').whereRef('runs.job_id', '=', 'j.id'))))
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
