import type SqliteDatabase from 'better-sqlite3';
import type { Insertable } from 'kysely';
import { runEndingMovesFrom } from '../../../domain/jobState.js';
import type { Database, ExecutionRow, JobRow, RunRow } from '../../schema.js';

/**
 * The engine's hot statements on SQLite, prepared once and run straight on better-sqlite3: at
 * thousands of deliveries a second, building each query with Kysely (and binding a thousand
 * parameters to a multi-row statement) costs more than the statements themselves, and one
 * prepared single-row statement run in a loop is SQLite's fastest way to write many rows.
 *
 * Only ever used inside a Kysely transaction of the same connection (the SQLite dialect sees to
 * it): the transaction holds the driver's connection lock, so these synchronous calls are part of
 * that transaction and never of someone else's.
 */
export class PreparedStatements {
  private readonly cache = new Map<string, SqliteDatabase.Statement>();

  constructor(private readonly db: SqliteDatabase.Database) {}

  private stmt(sql: string): SqliteDatabase.Statement {
    let s = this.cache.get(sql);
    if (!s) this.cache.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  claimRuns(owner: string, leaseUntil: number, dueBefore: number, now: number, limit: number): RunRow[] {
    return this.stmt(
      `UPDATE runs SET lease_owner = ?, lease_until = ?
       WHERE id IN (SELECT id FROM runs WHERE due_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY due_at LIMIT ?)
       RETURNING *`,
    ).all(owner, leaseUntil, dueBefore, now, limit) as RunRow[];
  }

  /**
   * Writes rows that share one set of columns (made by one row constructor) with a statement
   * prepared for those columns and run per row: Kysely would build a node per value and bind
   * thousands of parameters to a multi-row statement, which costs several times the rows.
   */
  insertRows<Table extends keyof Database>(table: Table, rows: readonly Insertable<Database[Table]>[]): void {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    const s = this.stmt(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    // Positional values, spread, bind faster than named ones or an array.
    const values: unknown[] = new Array(columns.length);
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) values[i] = (row as Record<string, unknown>)[columns[i]!];
      s.run(...values);
    }
  }

  jobsByIds(ids: readonly string[]): JobRow[] {
    return this.stmt(`SELECT * FROM jobs WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as JobRow[];
  }

  failureCounts(ids: readonly string[]): { id: string; consecutive_failures: number | null }[] {
    return this.stmt(`SELECT id, consecutive_failures FROM jobs WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as {
      id: string;
      consecutive_failures: number | null;
    }[];
  }

  /** True when written, false when an execution with its id is already stored. */
  insertExecution(e: ExecutionRow): boolean {
    return (
      this.stmt(
        `INSERT INTO executions (id, job_id, project_id, run_id, delivery_id, attempt, triggered_by, status, status_code, duration_ms, error,
           scheduled_for, started_at, completed_at, response_headers, response_body, replay_of, request_method, request_url, request_headers, request_body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ).run(
        e.id,
        e.job_id,
        e.project_id,
        e.run_id,
        e.delivery_id,
        e.attempt,
        e.triggered_by,
        e.status,
        e.status_code,
        e.duration_ms,
        e.error,
        e.scheduled_for,
        e.started_at,
        e.completed_at,
        e.response_headers,
        e.response_body,
        e.replay_of,
        e.request_method,
        e.request_url,
        e.request_headers,
        e.request_body,
      ).changes === 1
    );
  }

  deleteRun(id: string): void {
    this.stmt(`DELETE FROM runs WHERE id = ?`).run(id);
  }

  retryRun(id: string, dueAt: number, attempt: number, leaseOwner: string | null, leaseUntil: number | null): void {
    this.stmt(`UPDATE runs SET due_at = ?, attempt = ?, lease_owner = ?, lease_until = ? WHERE id = ?`).run(dueAt, attempt, leaseOwner, leaseUntil, id);
  }

  updateJobSummary(
    id: string,
    startedAt: number,
    status: string,
    statusCode: number | null,
    durationMs: number,
    completedAt: number,
    jobStatus: string | null,
    state: string | null,
    previous: string | null,
    failures: number,
  ): void {
    this.stmt(
      `UPDATE jobs SET last_run_at = ?, last_status = ?, last_status_code = ?, last_duration_ms = ?, updated_at = ?,
         status = CASE WHEN status = '${runEndingMovesFrom}' AND ? IS NOT NULL THEN ? ELSE status END,
         state = COALESCE(?, state), previous_result = COALESCE(?, previous_result), consecutive_failures = ?
       WHERE id = ?`,
    ).run(startedAt, status, statusCode, durationMs, completedAt, jobStatus, jobStatus, state, previous, failures, id);
  }

  /** Extends the leases of the given runs still leased to `owner`; returns how many. */
  renewLeases(owner: string, ids: readonly string[], leaseUntil: number): number {
    const s = this.stmt(`UPDATE runs SET lease_until = ? WHERE id = ? AND lease_owner = ?`);
    let n = 0;
    for (const id of ids) n += s.run(leaseUntil, id, owner).changes;
    return n;
  }
}
