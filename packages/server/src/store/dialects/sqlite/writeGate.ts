import type { DatabaseConnection, Driver, TransactionSettings } from 'kysely';
import type { WriteTurns } from '../../dialect.js';

/**
 * Turns at SQLite's one write lock, taken in JavaScript. This process writes a SQLite file from
 * two threads (the main one, and the engine's SQL thread, see engine/engineSql.ts); were
 * they left to meet on SQLite's lock, the main thread would wait in SQLite's busy handler, which
 * sleeps with the event loop stopped, for as long as a group commit takes. Queued here, it waits
 * with the loop free: deliveries go on while a claim or a create waits for its turn.
 */
export class WriteGate implements WriteTurns {
  private held = false;
  private readonly queue: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.held = false;
  }
}

/** A Kysely driver whose transactions take their turn at the gate before they begin. */
export class GatedDriver implements Driver {
  /** Transactions on this driver's one connection run one at a time: one turn at most is held. */
  private holding = false;

  constructor(
    private readonly inner: Driver,
    private readonly gate: WriteGate,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return this.inner.acquireConnection();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.gate.acquire();
    this.holding = true;
    try {
      await this.inner.beginTransaction(connection, settings);
    } catch (err) {
      this.leave();
      throw err;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.commitTransaction(connection);
    } finally {
      this.leave();
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.rollbackTransaction(connection);
    } finally {
      this.leave();
    }
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  private leave(): void {
    if (!this.holding) return;
    this.holding = false;
    this.gate.release();
  }
}
