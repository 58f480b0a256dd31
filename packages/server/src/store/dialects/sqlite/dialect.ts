import { type Insertable, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { CarriedResult, ClaimParams, Dialect, EngineThread, FailureCount, InsertTable, LiveFeedPolicy, OutcomeRows } from '../../dialect.js';
import type { Database, JobRow, RunRow } from '../../schema.js';
import type { Executor } from '../../sql/executor.js';
import type { PreparedStatements } from './statements.js';

const nothing = sql.raw('');
const done = Promise.resolve();

/**
 * Runs one claim takes at most on SQLite: in the main thread (an in-memory database) about 5 ms
 * of a blocked event loop; from the engine's SQL thread, a millisecond or so of taking in the
 * plans. A 100 000 burst went as fast with 1 000 a claim, with a third more memory at its peak.
 * Smaller batches, with the loop free between them, keep runs already held firing on time while
 * a burst is claimed.
 */
const maxClaimBatch = 250;

/** One process owns the file: its own writes are all there is to hear of. */
const liveFeed: LiveFeedPolicy = { viaSignals: false, pollMs: 10_000, lookbackMs: 0 };

/**
 * SQLite: one writer at a time (every transaction begins IMMEDIATE), so nothing needs a row
 * lock, and the hot statements are prepared once (statements.ts). Each of those runs inside the
 * transaction it is given, or, given the database, inside a transaction of its own: only a
 * transaction holds the connection (and this process's turn at the write lock) for them.
 */
export class SqliteDialect implements Dialect {
  readonly kind = 'sqlite';
  readonly claimLock = nothing;
  readonly jobShareLock = nothing;
  readonly maxClaimBatch = maxClaimBatch;
  readonly liveFeed = liveFeed;

  constructor(
    private readonly statements: PreparedStatements,
    readonly engineThread: EngineThread | null,
  ) {}

  /** The ids as one JSON text parameter, as the prepared statements take them (statements.ts). */
  anyOf(ids: readonly string[]): RawBuilder<string> {
    return sql<string>`(SELECT value FROM json_each(${JSON.stringify(ids)}))`;
  }

  lockProject(): Promise<void> {
    return done;
  }

  async claimRuns(db: Executor, p: ClaimParams): Promise<RunRow[]> {
    if (!db.isTransaction) return (db as Kysely<Database>).transaction().execute((trx) => this.claimRuns(trx, p));
    return this.statements.claimRuns(p.owner, p.leaseUntil, p.dueBefore, p.now, p.limit);
  }

  /** One primary-key update per run: cheaper than a scan of the node's runs. */
  async renewLeases(db: Executor, owner: string, runIds: readonly string[], leaseUntil: number): Promise<number> {
    if (!db.isTransaction) return (db as Kysely<Database>).transaction().execute((trx) => this.renewLeases(trx, owner, runIds, leaseUntil));
    return this.statements.renewLeases(owner, runIds, leaseUntil);
  }

  async insertRows<T extends InsertTable>(db: Executor, table: T, rows: readonly Insertable<Database[T]>[]): Promise<void> {
    if (!db.isTransaction) return (db as Kysely<Database>).transaction().execute((trx) => this.insertRows(trx, table, rows));
    this.statements.insertRows(table, rows);
  }

  async jobsByIds(db: Executor, ids: readonly string[]): Promise<JobRow[]> {
    if (!db.isTransaction) return (db as Kysely<Database>).transaction().execute((trx) => this.jobsByIds(trx, ids));
    return this.statements.jobsByIds(ids);
  }

  async lockFailureCounts(_trx: Transaction<Database>, jobIds: readonly string[]): Promise<FailureCount[]> {
    return this.statements.failureCounts(jobIds);
  }

  async insertExecutions(_trx: Transaction<Database>, outcomes: readonly OutcomeRows[], jobs: ReadonlyMap<string, unknown>, inserted: Set<string>): Promise<void> {
    for (const o of outcomes) if (jobs.has(o.job.id) && this.statements.insertExecution(o.execution)) inserted.add(o.execution.id);
  }

  async endRuns(_trx: Transaction<Database>, outcomes: readonly OutcomeRows[]): Promise<void> {
    for (const { run: r } of outcomes) {
      if (r.kind === 'done') this.statements.deleteRun(r.id);
      else this.statements.retryRun(r.id, r.dueAt, r.attempt, r.leaseOwner, r.leaseUntil);
    }
  }

  async writeJobSummaries(
    _trx: Transaction<Database>,
    latest: ReadonlyMap<string, OutcomeRows>,
    carried: ReadonlyMap<string, CarriedResult>,
    failures: ReadonlyMap<string, number>,
  ): Promise<void> {
    for (const o of latest.values()) {
      const e = o.execution;
      const c = carried.get(o.job.id);
      this.statements.updateJobSummary(o.job.id, e.started_at, e.status, e.status_code, e.duration_ms, e.completed_at, o.job.status, c?.state ?? null, c?.previous ?? null, failures.get(o.job.id)!);
    }
  }
}
