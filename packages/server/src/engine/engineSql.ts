import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Store } from '../store/connect.js';
import type { ClaimParams } from '../store/sql/claimRuns.js';
import type { WriteTurns } from '../store/dialect.js';
import { claimBatch, type ClaimedBatch } from './claimBatch.js';
import type { PlanSettings } from './jobPlan.js';
import { type BatchWritten, type OutcomeBatch, writeBatch } from './writeBatch.js';

/**
 * The engine's hot transactions, on this thread or another: claiming due runs (with their jobs'
 * plans) and the group commits of outcomes.
 */
export interface EngineSql {
  claim(params: ClaimParams): Promise<ClaimedBatch>;
  write(batch: OutcomeBatch): Promise<BatchWritten>;
  /** Called once the last batch is written. */
  close(): Promise<void>;
}

export interface EngineSqlOptions {
  publicUrl: string | null;
  planning: PlanSettings;
}

/**
 * On a SQLite file, a thread with its own connection: SQLite runs on the thread that calls it,
 * and claims (reading and planning each job) plus the writes of every delivery (execution row,
 * run, job summary, usage, messages) were a third of the main thread's time in a burst, time
 * the deliveries now keep. PostgreSQL works on its own server, and an in-memory SQLite database
 * cannot be opened twice: both run here.
 */
export function openEngineSql(store: Store, options: EngineSqlOptions, logger: Logger): EngineSql {
  const thread = store.dialect.engineThread;
  if (thread) {
    const { userAgent, telegramApiUrl } = options.planning;
    return new EngineSqlThread({ url: thread.url, publicUrl: options.publicUrl, userAgent, telegramApiUrl }, thread.writeTurns, logger);
  }
  return {
    claim: (params) => claimBatch(store, params, options.planning),
    write: (batch) => writeBatch(store, batch, options.publicUrl),
    close: async () => {},
  };
}

/**
 * What the thread is started with. Its plans take `$job` from domain/jobVariable.ts, which the
 * thread imports: a function cannot be handed over.
 */
export interface EngineSqlThreadData {
  /** The database the thread opens a connection of its own to. */
  url: string;
  publicUrl: string | null;
  userAgent: string;
  telegramApiUrl: string;
}

/** A claim is answered with a `ClaimedBatch`, a batch with what `writeBatch` wrote. */
export type EngineSqlRequest = { id: number; batch: OutcomeBatch } | { id: number; claim: ClaimParams } | { close: true };
export type EngineSqlReply = { id: number; result: ClaimedBatch | BatchWritten } | { id: number; error: { message: string; code?: string } };

/** A transaction the thread could not make: a batch is kept and written again, a claim retried. */
export class EngineSqlThreadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

// Built, the worker is the .js beside this file. Tests run the sources (.ts), which a worker
// cannot load: they start it from dist/, which their global setup (test/support/buildOnce.ts)
// brings up to date before any test starts.
const workerUrl = import.meta.url.endsWith('.ts') ? new URL('../../dist/engine/engineSqlWorker.js', import.meta.url) : new URL('./engineSqlWorker.js', import.meta.url);

type Waiter = { resolve: (reply: EngineSqlReply) => void; reject: (err: Error) => void };

class EngineSqlThread implements EngineSql {
  private worker: Worker | null = null;
  private closed = false;
  private nextId = 0;
  private readonly pending = new Map<number, Waiter>();

  constructor(
    private readonly data: EngineSqlThreadData,
    /** This process's turns at the file's write lock: a transaction is sent when its turn comes. */
    private readonly gate: WriteTurns,
    private readonly logger: Logger,
  ) {}

  claim(claim: ClaimParams): Promise<ClaimedBatch> {
    return this.send((id) => ({ id, claim })) as Promise<ClaimedBatch>;
  }

  write(batch: OutcomeBatch): Promise<BatchWritten> {
    return this.send((id) => ({ id, batch })) as Promise<BatchWritten>;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    const exited = new Promise((r) => worker.once('exit', r));
    worker.postMessage({ close: true } satisfies EngineSqlRequest);
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private async send(request: (id: number) => EngineSqlRequest): Promise<ClaimedBatch | BatchWritten> {
    await this.gate.acquire();
    try {
      // Checked on its turn: a transaction that waited while the engine closed must not start a thread.
      if (this.closed) throw new EngineSqlThreadError('the engine SQL thread is closed');
      const worker = this.worker ?? this.spawn();
      const id = this.nextId++;
      const reply = await new Promise<EngineSqlReply>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        worker.postMessage(request(id));
      });
      if ('error' in reply) throw new EngineSqlThreadError(reply.error.message, reply.error.code);
      return reply.result;
    } finally {
      this.gate.release();
    }
  }

  private spawn(): Worker {
    const worker = new Worker(workerUrl, { workerData: this.data });
    // The server's own lifetime decides when the process ends, not this thread's.
    worker.unref();
    worker.on('message', (reply: EngineSqlReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      waiter.resolve(reply);
    });
    worker.on('error', (err) => this.logger.error({ err }, 'the engine SQL thread failed; a new one starts with the next transaction'));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      // Transactions it had not answered are made again through the next thread.
      for (const waiter of this.pending.values()) waiter.reject(new EngineSqlThreadError(`the engine SQL thread exited (code ${code})`));
      this.pending.clear();
    });
    this.worker = worker;
    return worker;
  }
}
