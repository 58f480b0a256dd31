import type { Logger } from 'pino';
import type { RunRow } from '../store/schema.js';
import type { Outcome } from '../store/sql/recordOutcomes.js';
import type { EngineSql } from './engineSql.js';
import type { EffectJob, EffectsWritten } from './outcomeEffects.js';

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

export interface Written<T> {
  /** Outcomes written, and those dropped because their job was deleted meanwhile. */
  outcomes: PendingOutcome<T>[];
  /** Next occurrences inserted (an occurrence that already existed is left out). */
  runs: PendingRun<T>[];
  /** What the outcomes written now set off. */
  effects: EffectsWritten;
}

/**
 * Group commit: outcomes and next occurrences gather for a few milliseconds (or until a batch
 * is full) and are written in one transaction. A failed write keeps them and tries again, so
 * nothing is dropped while the database is away; the runs stay leased meanwhile.
 */
export class OutcomeWriter<T> {
  private outcomes: PendingOutcome<T>[] = [];
  private runs: PendingRun<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly writer: Pick<EngineSql, 'write'>,
    private readonly logger: Logger,
    private readonly onWritten: (written: Written<T>) => void,
    /** The job of an outcome's context, for what the outcome sets off. */
    private readonly jobOf: (context: T) => EffectJob,
    // A few milliseconds gather a useful batch without delaying anyone; the batch bound keeps
    // one write short, since on SQLite it holds the file's one write lock (and, without a writer
    // thread, the event loop) while it runs.
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
      const { kept, inserted, effects } = await this.writer.write({
        outcomes: outcomes.map((p) => p.outcome),
        jobs: outcomes.map((p) => this.jobOf(p.context)),
        runs: runs.map((p) => ({ run: p.run, revision: p.revision })),
      });
      this.failures = 0;
      if (kept !== outcomes.length) this.logger.debug({ skipped: outcomes.length - kept }, 'outcomes of deleted jobs, or already written, skipped');
      const written = new Set(inserted);
      this.onWritten({ outcomes, runs: runs.filter((p) => written.has(p.run.id)), effects });
    } catch (err) {
      this.failures++;
      this.outcomes.unshift(...outcomes);
      this.runs.unshift(...runs);
      this.logger.warn({ err, outcomes: outcomes.length, runs: runs.length }, 'could not record delivery outcomes; will retry');
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
