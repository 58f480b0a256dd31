import { sql } from 'kysely';
import type { Dialect } from '../dialect.js';
import type { OutboxRow } from '../schema.js';
import type { Executor } from './executor.js';
import { type Page, readPage } from './page.js';

export function insertMessages(db: Executor, dialect: Dialect, rows: readonly OutboxRow[]): Promise<void> {
  return dialect.insertRows(db, 'outbox', rows);
}

export interface MessageClaim {
  owner: string;
  now: number;
  leaseUntil: number;
  limit: number;
}

/** Leases up to `limit` pending messages that are due and not held by a live lease, oldest first. */
export async function claimMessages(db: Executor, dialect: Dialect, p: MessageClaim): Promise<OutboxRow[]> {
  const result = await sql<OutboxRow>`
    UPDATE outbox SET lease_owner = ${p.owner}, lease_until = ${p.leaseUntil}
    WHERE id IN (
      SELECT id FROM outbox
      WHERE status = 'pending' AND due_at <= ${p.now} AND (lease_until IS NULL OR lease_until < ${p.now})
      ORDER BY due_at, id
      LIMIT ${p.limit}
      ${dialect.claimLock}
    )
    RETURNING *`.execute(db);
  return result.rows.sort((a, b) => (a.due_at - b.due_at) || (a.id < b.id ? -1 : 1));
}

/** What one attempt at a message came to: delivered, due again at `retryAt`, or given up. */
export interface MessageAttempt {
  id: string;
  status: OutboxRow['status'];
  retryAt: number | null;
  statusCode: number | null;
  error: string | null;
  response: string | null;
}

/** Records attempts made by `owner`; a message whose lease passed to another node meanwhile is left to it. */
export async function recordMessageAttempts(db: Executor, owner: string, attempts: readonly MessageAttempt[], now: number): Promise<void> {
  for (const a of attempts) {
    await db
      .updateTable('outbox')
      .set((eb) => ({
        status: a.status,
        attempts: eb('attempts', '+', 1),
        due_at: a.retryAt ?? eb.ref('due_at'),
        lease_owner: null,
        lease_until: null,
        last_status_code: a.statusCode,
        last_error: a.error,
        last_response: a.response,
        updated_at: now,
      }))
      .where('id', '=', a.id)
      .where('lease_owner', '=', owner)
      .execute();
  }
}

/** Gives back the messages this node holds, so another claim takes them at once. */
export async function releaseMessages(db: Executor, dialect: Dialect, owner: string, ids?: readonly string[]): Promise<void> {
  let q = db.updateTable('outbox').set({ lease_owner: null, lease_until: null }).where('lease_owner', '=', owner);
  if (ids) {
    if (ids.length === 0) return;
    q = q.where('id', 'in', dialect.anyOf(ids));
  }
  await q.execute();
}

/** On a database one process owns, leases left by a previous process are void. */
export async function releaseAllMessageLeases(db: Executor): Promise<void> {
  await db.updateTable('outbox').set({ lease_owner: null, lease_until: null }).where('lease_owner', 'is not', null).execute();
}

/** Deletes finished messages of these projects last changed before `before`, at most `limit`. */
export async function pruneMessages(db: Executor, dialect: Dialect, projectIds: readonly string[], before: number, limit: number): Promise<number> {
  if (projectIds.length === 0) return 0;
  const r = await db
    .deleteFrom('outbox')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('project_id', 'in', dialect.anyOf(projectIds))
        .where('status', '!=', 'pending')
        .where('updated_at', '<', before)
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export interface MessageFilter {
  kind: OutboxRow['kind'];
  status?: OutboxRow['status'];
  jobId?: string;
}

/** A project's messages of one kind, newest first. */
export async function listMessages(db: Executor, projectId: string, filter: MessageFilter, offset: number, limit: number): Promise<Page<OutboxRow>> {
  const where = <Q extends { where: (...args: any[]) => any }>(q: Q): Q => {
    let out = q.where('project_id', '=', projectId).where('kind', '=', filter.kind);
    if (filter.status) out = out.where('status', '=', filter.status);
    if (filter.jobId) out = out.where('job_id', '=', filter.jobId);
    return out as Q;
  };
  return readPage(
    () => where(db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n'))).executeTakeFirstOrThrow(),
    () => where(db.selectFrom('outbox').selectAll()).orderBy('id', 'desc').offset(offset).limit(limit).execute(),
  );
}
