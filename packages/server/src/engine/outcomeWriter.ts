import type { Logger } from 'pino';
import type { Store } from '../store/connect.js';
import { type Outcome, recordOutcomes } from '../store/sql/recordOutcomes.js';

export interface PendingOutcome<T> {
  outcome: Outcome;
  context: T;
}

/**
 * Group commit: outcomes gather for a few milliseconds (or until a batch is full) and are
 * written in one transaction. A failed write keeps them and tries again, so an outcome is
 * never dropped while the database is away; the runs stay leased meanwhile.
 */
export class OutcomeWriter<T> {
  private buffer: PendingOutcome<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly onWritten: (written: PendingOutcome<T>[]) => void,
    private readonly delayMs = 2,
    private readonly maxBatch = 2_000,
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  add(outcome: Outcome, context: T): void {
    this.buffer.push({ outcome, context });
    if (this.flushing) return;
    if (this.buffer.length >= this.maxBatch) this.flushNow();
    else this.timer ??= setTimeout(() => this.flushNow(), this.delayMs);
  }

  /** Resolves once everything added so far is written, or the deadline passes. */
  async drain(deadline: number): Promise<boolean> {
    while ((this.buffer.length > 0 || this.flushing) && Date.now() < deadline) {
      if (!this.flushing) this.flushNow();
      await Promise.race([this.flushing, sleep(50)]);
    }
    return this.buffer.length === 0 && !this.flushing;
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing || this.buffer.length === 0) return;
    const batch = this.buffer.length > this.maxBatch ? this.buffer.splice(0, this.maxBatch) : this.buffer.splice(0);
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
      if (this.buffer.length > 0) {
        const wait = this.failures > 0 ? Math.min(2_000, 100 * 2 ** this.failures) : this.buffer.length >= this.maxBatch ? 0 : this.delayMs;
        this.timer ??= setTimeout(() => this.flushNow(), wait);
      }
    });
  }

  private async write(batch: PendingOutcome<T>[]): Promise<void> {
    try {
      const outcomes = batch.map((p) => p.outcome);
      const kept = new Set(await this.store.db.transaction().execute((trx) => recordOutcomes(trx, outcomes)));
      this.failures = 0;
      this.onWritten(batch.filter((p) => kept.has(p.outcome)));
      // Outcomes of deleted jobs are not written, but their runs are no longer held either.
      if (kept.size !== batch.length) this.onWritten(batch.filter((p) => !kept.has(p.outcome)));
    } catch (err) {
      this.failures++;
      this.buffer.unshift(...batch);
      this.logger.warn({ err, outcomes: batch.length }, 'could not record delivery outcomes; will retry');
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
