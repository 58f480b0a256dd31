import type { Insertable, RawBuilder, Transaction } from 'kysely';
import type { Database, ExecutionRow, JobRow, JobStatus, RunRow } from './schema.js';
import type { Executor } from './sql/executor.js';

/**
 * Everything that differs between SQLite and PostgreSQL, each difference named for what it does;
 * one implementation per database under dialects/<name>/ (as kysely's src/dialect/<name>/).
 * store/sql/ writes every other statement once, and calls these where the two part ways. Outside
 * store/, a dialect is only handed to the operations of store/sql/, and of its own members only
 * those that are not SQL are read (the claim batch bound, the live feed's way of hearing other
 * nodes, the engine's SQL thread), `kind` only to report it.
 *
 * SQLite runs its hot statements prepared once, straight on better-sqlite3, and only inside a
 * transaction of the store (which holds the connection and the process's turn at the write
 * lock): given the database instead, it takes a transaction of its own, so no call takes a slower
 * path or runs outside one.
 */
export interface Dialect {
  /** The database's name, to report (health, logs); nothing branches on it. */
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Ends a claim's selection of rows: PostgreSQL lets several nodes claim side by side
   * (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time and needs nothing.
   */
  readonly claimLock: RawBuilder<unknown>;
  /**
   * Ends materializeRuns' read of the jobs it writes next runs for: on PostgreSQL the job rows
   * are share-locked, so a change to a job waits for the write and then sees (and replaces) the run.
   */
  readonly jobShareLock: RawBuilder<unknown>;
  /** Runs one claim takes at most, whatever the engine's tuning allows (see the SQLite dialect). */
  readonly maxClaimBatch: number;
  /** How the live streams hear of what other nodes wrote. */
  readonly liveFeed: LiveFeedPolicy;
  /** Where the engine's claims and group commits run: on a thread of their own, or (null) on the main one. */
  readonly engineThread: EngineThread | null;

  /**
   * A list of ids as one bound parameter, for `where(column, 'in', dialect.anyOf(ids))`: a JSON
   * array read by `json_each` on SQLite, a `text[]` unnested on PostgreSQL. A literal
   * `IN (?, ?, …)` makes a new statement for every list length, and SQLite compiles each anew;
   * one parameter keeps one prepared statement however long the batch.
   */
  anyOf(ids: readonly string[]): RawBuilder<string>;
  /**
   * Makes changes that count a project's things against its plan take turns: the project row is
   * locked until the transaction ends. A no-op on SQLite, which runs one transaction at a time.
   */
  lockProject(db: Executor, projectId: string): Promise<void>;
  /** Leases due runs: see store/sql/claimRuns.ts. */
  claimRuns(db: Executor, p: ClaimParams): Promise<RunRow[]>;
  /** Extends the leases of the given runs (one at least) still leased to `owner`; returns how many. */
  renewLeases(db: Executor, owner: string, runIds: readonly string[], leaseUntil: number): Promise<number>;
  /** Writes rows that share one set of columns (made by one row constructor). */
  insertRows<T extends InsertTable>(db: Executor, table: T, rows: readonly Insertable<Database[T]>[]): Promise<void>;
  /** The jobs with these ids (a deleted one is absent). */
  jobsByIds(db: Executor, ids: readonly string[]): Promise<JobRow[]>;

  /**
   * The statements of store/sql/recordOutcomes.ts, in the order it runs them in one transaction.
   * Locks the jobs' rows first, in id order (as every change to a job locks it before its runs:
   * taking runs first would let a delete or a pause and this write wait on each other), and reads
   * their consecutive failures; a deleted job is absent.
   */
  lockFailureCounts(trx: Transaction<Database>, jobIds: readonly string[]): Promise<FailureCount[]>;
  /**
   * Stores the executions of the outcomes whose job is among `jobs`, skipping those stored
   * before (a batch written again after a lost COMMIT answer); adds the ids written to `inserted`.
   */
  insertExecutions(trx: Transaction<Database>, outcomes: readonly OutcomeRows[], jobs: ReadonlyMap<string, unknown>, inserted: Set<string>): Promise<void>;
  /** Ends each outcome's run: deleted when done, due again when retried. */
  endRuns(trx: Transaction<Database>, outcomes: readonly OutcomeRows[]): Promise<void>;
  /**
   * Writes each job's summary from its latest outcome: last attempt, status (a one-time job
   * the attempt ended, unless paused meanwhile), state and previous result when set, failures.
   */
  writeJobSummaries(
    trx: Transaction<Database>,
    latest: ReadonlyMap<string, OutcomeRows>,
    carried: ReadonlyMap<string, CarriedResult>,
    failures: ReadonlyMap<string, number>,
  ): Promise<void>;
}

export interface ClaimParams {
  owner: string;
  now: number;
  /** Claim runs due up to this instant. */
  dueBefore: number;
  leaseUntil: number;
  limit: number;
}

/** The tables written through `insertRows`. */
export type InsertTable = 'jobs' | 'runs' | 'outbox';

export interface FailureCount {
  id: string;
  consecutive_failures: number | null;
}

/** How an attempt leaves its run: ended, or due again for a retry. */
export type RunEnd =
  | { kind: 'done'; id: string }
  | { kind: 'retry'; id: string; dueAt: number; attempt: number; leaseOwner: string | null; leaseUntil: number | null };

/** What the dialect writes of one outcome (store/sql/recordOutcomes.ts has the whole of it). */
export interface OutcomeRows {
  execution: ExecutionRow;
  run: RunEnd;
  job: {
    id: string;
    /** Set when the attempt ends a one-time job (completed or failed). */
    status: JobStatus | null;
  };
}

/** JSON texts of a job's state and previous result that its latest outcomes set (null: left as it is). */
export interface CarriedResult {
  state: string | null;
  previous: string | null;
}

export interface LiveFeedPolicy {
  /** Other nodes announce the jobs they change by signal (else: only this process writes). */
  viaSignals: boolean;
  /** How often the streams look for attempts written by another node. */
  pollMs: number;
  /** How far back a look reaches, for another node's commits that land after their instant. */
  lookbackMs: number;
}

/** Turns at the database's write lock, taken in JavaScript so that waiting leaves the event loop free. */
export interface WriteTurns {
  acquire(): Promise<void>;
  release(): void;
}

/**
 * The engine's SQL on a thread with its own connection: what the thread opens (with
 * connect.ts's `openThreadStore`), and this connection's turns at the write lock, which the
 * thread's transactions take as well.
 */
export interface EngineThread {
  url: string;
  writeTurns: WriteTurns;
}
