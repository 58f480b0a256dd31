import type { Logger } from 'pino';
import type { Store } from '../store/connect.js';
import type { RunRow } from '../store/schema.js';
import { usagePeriods } from '../domain/plans.js';
import { materializeRuns } from '../store/sql/materializeRuns.js';
import { addUsage, type UsageIncrement } from '../store/sql/usage.js';
import type { Executor } from '../store/sql/executor.js';
import { type Outcome, type Recorded, recordOutcomes } from '../store/sql/recordOutcomes.js';

export interface PendingOutcome<T> {
  outcome: Outcome;
  context: T;
}

export interface PendingRun<T> {
  run: RunRow;
  /** The job revision the run was computed from. */
  revision: number;
  context: T;
}

export interface Written<T, E> {
  /** Outcomes written, and those dropped because their job was deleted meanwhile. */
  outcomes: PendingOutcome<T>[];
  /** Next occurrences inserted (an occurrence that already existed is left out). */
  runs: PendingRun<T>[];
  /** What the outcomes written now set off, as the effects function reported it. */
  effects: E | undefined;
}

/** Writes, in the outcomes' own transaction, what the outcomes written now set off. */
export type OutcomeEffects<T, E> = (db: Executor, written: readonly { recorded: Recorded; context: T }[], now: number) => Promise<E>;

/**
 * Group commit: outcomes and next occurrences gather for a few milliseconds (or until a batch
 * is full) and are written in one transaction. A failed write keeps them and tries again, so
 * nothing is dropped while the database is away; the runs stay leased meanwhile.
 */
export class OutcomeWriter<T, E = void> {
  private outcomes: PendingOutcome<T>[] = [];
  private runs: PendingRun<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly onWritten: (written: Written<T, E>) => void,
    private readonly effects: OutcomeEffects<T, E> | undefined,
    // A few milliseconds gather a useful batch without delaying anyone; the batch bound keeps
    // one write short, since on SQLite it holds the event loop while it runs.
    private readonly delayMs = 5,
    private readonly maxBatch = 1_000,
  ) {}

  get pending(): number {
    return this.outcomes.length + this.runs.length;
  }

  addOutcome(outcome: Outcome, context: T): void {
    this.outcomes.push({ outcome, context });
    this.scheduleFlush();
  }

  addRun(run: RunRow, revision: number, context: T): void {
    this.runs.push({ run, revision, context });
    this.scheduleFlush();
  }

  /** Resolves once everything added so far is written, or the deadline passes. */
  async drain(deadline: number): Promise<boolean> {
    while ((this.pending > 0 || this.flushing) && Date.now() < deadline) {
      if (!this.flushing) this.flushNow();
      await Promise.race([this.flushing, sleep(50)]);
    }
    return this.pending === 0 && !this.flushing;
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    if (this.pending >= this.maxBatch) this.flushNow();
    else this.timer ??= setTimeout(() => this.flushNow(), this.delayMs);
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing || this.pending === 0) return;
    const outcomes = this.outcomes.splice(0, this.maxBatch);
    const runs = this.runs.splice(0, this.maxBatch);
    this.flushing = this.write(outcomes, runs).finally(() => {
      this.flushing = undefined;
      if (this.pending > 0) {
        const wait = this.failures > 0 ? Math.min(2_000, 100 * 2 ** this.failures) : this.pending >= this.maxBatch ? 0 : this.delayMs;
        this.timer ??= setTimeout(() => this.flushNow(), wait);
      }
    });
  }

  private async write(outcomes: PendingOutcome<T>[], runs: PendingRun<T>[]): Promise<void> {
    try {
      const { kept, inserted, effects } = await this.store.db.transaction().execute(async (trx) => {
        const kept = await recordOutcomes(
          trx,
          this.store,
          outcomes.map((p) => p.outcome),
        );
        await addUsage(trx, usageOf(kept));
        let effects: E | undefined;
        if (this.effects && kept.length > 0) {
          const contexts = new Map(outcomes.map((p) => [p.outcome, p.context]));
          effects = await this.effects(
            trx,
            kept.map((recorded) => ({ recorded, context: contexts.get(recorded.outcome)! })),
            Date.now(),
          );
        }
        const inserted = await materializeRuns(
          trx,
          this.store,
          runs.map((p) => ({ run: p.run, revision: p.revision })),
        );
        return { kept, inserted, effects };
      });
      this.failures = 0;
      if (kept.length !== outcomes.length) this.logger.debug({ skipped: outcomes.length - kept.length }, 'outcomes of deleted jobs, or already written, skipped');
      this.onWritten({ outcomes, runs: runs.filter((p) => inserted.has(p.run.id)), effects });
    } catch (err) {
      this.failures++;
      this.outcomes.unshift(...outcomes);
      this.runs.unshift(...runs);
      this.logger.warn({ err, outcomes: outcomes.length, runs: runs.length }, 'could not record delivery outcomes; will retry');
    }
  }
}

/** Deliveries made, per project and period, to add to the usage counters. */
function usageOf(recorded: readonly Recorded[]): UsageIncrement[] {
  const counts = new Map<string, UsageIncrement>();
  for (const { outcome: { execution: e } } of recorded) {
    if (e.status === 'quota_exceeded') continue;
    const { day, month } = usagePeriods(e.started_at);
    for (const period of [day, month]) {
      const key = `${e.project_id} ${period}`;
      const inc = counts.get(key);
      if (inc) inc.runs++;
      else counts.set(key, { projectId: e.project_id, period, runs: 1 });
    }
  }
  return [...counts.values()];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
