import { type Insertable, type RawBuilder, sql, type Transaction } from 'kysely';
import { runEndingMovesFrom } from '../../../domain/jobState.js';
import type { CarriedResult, ClaimParams, Dialect, FailureCount, InsertTable, LiveFeedPolicy, OutcomeRows } from '../../dialect.js';
import type { Database, JobRow, RunRow } from '../../schema.js';
import { chunks, type Executor } from '../../sql/executor.js';
import { deleteRuns } from '../../sql/runs.js';

/** Rows per multi-row insert, within PostgreSQL's 65 535 bound parameters. */
const rowsPerInsert: Record<InsertTable, number> = { jobs: 500, runs: 500, outbox: 300 };

/**
 * Other nodes record attempts this one does not hear of (found by polling, looking back over
 * commits that land after their instant), and announce their job changes by signal.
 */
const liveFeed: LiveFeedPolicy = { viaSignals: true, pollMs: 1_000, lookbackMs: 3_000 };

/**
 * PostgreSQL: any number of nodes share the database, so claims skip the rows another node
 * holds and changes that must take turns lock the rows they count on. Each operation is one
 * statement (or a few) through Kysely, batched: the server waits on round trips, not on CPU.
 */
class PostgresDialect implements Dialect {
  readonly kind = 'postgres';
  readonly claimLock = sql.raw('FOR UPDATE SKIP LOCKED');
  readonly jobShareLock = sql.raw('FOR SHARE OF jobs');
  readonly maxClaimBatch = Infinity;
  readonly liveFeed = liveFeed;
  /** PostgreSQL works on its own server: nothing to gain from a thread. */
  readonly engineThread = null;

  /** The ids as one `text[]` parameter. */
  anyOf(ids: readonly string[]): RawBuilder<string> {
    return sql<string>`(SELECT unnest(${ids as string[]}::text[]))`;
  }

  async lockProject(db: Executor, projectId: string): Promise<void> {
    await db.selectFrom('projects').select('id').where('id', '=', projectId).forUpdate().execute();
  }

  async claimRuns(db: Executor, p: ClaimParams): Promise<RunRow[]> {
    const result = await sql<RunRow>`
      UPDATE runs SET lease_owner = ${p.owner}, lease_until = ${p.leaseUntil}
      WHERE id IN (
        SELECT id FROM runs
        WHERE due_at <= ${p.dueBefore} AND (lease_until IS NULL OR lease_until < ${p.now})
        ORDER BY due_at
        LIMIT ${p.limit}
        ${this.claimLock}
      )
      RETURNING *`.execute(db);
    return result.rows;
  }

  /**
   * Rows locked by the outcome writer (being finished right now) are skipped rather than waited
   * for: renewal then never takes part in a deadlock.
   */
  async renewLeases(db: Executor, owner: string, runIds: readonly string[], leaseUntil: number): Promise<number> {
    const r = await db
      .updateTable('runs')
      .set({ lease_until: leaseUntil })
      .where('id', 'in', (eb) => eb.selectFrom('runs').select('id').where('lease_owner', '=', owner).where('id', 'in', this.anyOf(runIds)).modifyEnd(this.claimLock))
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async insertRows<T extends InsertTable>(db: Executor, table: T, rows: readonly Insertable<Database[T]>[]): Promise<void> {
    for (const part of chunks(rows, rowsPerInsert[table])) await db.insertInto(table).values(part as Insertable<Database[InsertTable]>[] as never).execute();
  }

  jobsByIds(db: Executor, ids: readonly string[]): Promise<JobRow[]> {
    return db.selectFrom('jobs').selectAll().where('id', 'in', this.anyOf(ids)).execute();
  }

  lockFailureCounts(trx: Transaction<Database>, jobIds: readonly string[]): Promise<FailureCount[]> {
    return trx.selectFrom('jobs').select(['id', 'consecutive_failures']).where('id', 'in', this.anyOf(jobIds)).orderBy('id').forNoKeyUpdate().execute();
  }

  async insertExecutions(trx: Transaction<Database>, outcomes: readonly OutcomeRows[], jobs: ReadonlyMap<string, unknown>, inserted: Set<string>): Promise<void> {
    for (const part of chunks(
      outcomes.filter((o) => jobs.has(o.job.id)),
      400,
    )) {
      const rows = await trx
        .insertInto('executions')
        .values(part.map((o) => o.execution))
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .execute();
      for (const r of rows) inserted.add(r.id);
    }
  }

  async endRuns(trx: Transaction<Database>, outcomes: readonly OutcomeRows[]): Promise<void> {
    await deleteRuns(
      trx,
      this,
      outcomes.filter((o) => o.run.kind === 'done').map((o) => o.run.id),
    );
    const retries = outcomes.flatMap((o) => (o.run.kind === 'retry' ? [o.run] : []));
    for (const part of chunks(retries, 500)) {
      const values = sql.join(
        part.map((r) => sql`(${r.id}, CAST(${r.dueAt} AS bigint), CAST(${r.attempt} AS integer), ${r.leaseOwner}, CAST(${r.leaseUntil} AS bigint))`),
      );
      await sql`
        UPDATE runs SET due_at = v.column2, attempt = v.column3, lease_owner = v.column4, lease_until = v.column5
        FROM (VALUES ${values}) AS v
        WHERE runs.id = v.column1`.execute(trx);
    }
  }

  async writeJobSummaries(
    trx: Transaction<Database>,
    latest: ReadonlyMap<string, OutcomeRows>,
    carried: ReadonlyMap<string, CarriedResult>,
    failures: ReadonlyMap<string, number>,
  ): Promise<void> {
    for (const part of chunks([...latest.values()], 400)) {
      const values = sql.join(
        part.map((o) => {
          const e = o.execution;
          const c = carried.get(o.job.id);
          return sql`(${o.job.id}, CAST(${e.started_at} AS bigint), ${e.status}, CAST(${e.status_code} AS integer), CAST(${e.duration_ms} AS integer), CAST(${e.completed_at} AS bigint), ${o.job.status}, ${c?.state ?? null}, ${c?.previous ?? null}, CAST(${failures.get(o.job.id)!} AS integer))`;
        }),
      );
      await sql`
        UPDATE jobs SET
          last_run_at = v.column2,
          last_status = v.column3,
          last_status_code = v.column4,
          last_duration_ms = v.column5,
          updated_at = v.column6,
          status = CASE WHEN jobs.status = ${sql.lit(runEndingMovesFrom)} AND v.column7 IS NOT NULL THEN v.column7 ELSE jobs.status END,
          state = COALESCE(v.column8, jobs.state),
          previous_result = COALESCE(v.column9, jobs.previous_result),
          consecutive_failures = v.column10
        FROM (VALUES ${values}) AS v
        WHERE jobs.id = v.column1`.execute(trx);
    }
  }
}

/** Holds no state: every PostgreSQL store shares it. */
export const postgresDialect: Dialect = new PostgresDialect();
