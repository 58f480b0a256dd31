import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Store } from '../store/connect.js';
import type { WriteGate } from '../store/sqliteWriteGate.js';
import { type BatchWritten, type OutcomeBatch, writeBatch } from './writeBatch.js';

/** Writes group commits, on this thread or another. */
export interface BatchWriter {
  write(batch: OutcomeBatch): Promise<BatchWritten>;
  /** Called once the last batch is written. */
  close(): Promise<void>;
}

/**
 * On a SQLite file, a writer thread with its own connection: SQLite runs on the thread that
 * calls it, and the writes of every delivery (execution row, run, job summary, usage, messages)
 * were a fifth of the main thread's time in a burst, time the deliveries now keep. PostgreSQL
 * works on its own server, and an in-memory SQLite database cannot be opened twice: both write
 * here.
 */
export function openBatchWriter(store: Store, publicUrl: string | null, logger: Logger): BatchWriter {
  if (store.kind === 'sqlite' && store.sqliteFile !== undefined && store.writeGate) return new BatchWriterThread(store.sqliteFile, store.writeGate, publicUrl, logger);
  return { write: (batch) => writeBatch(store, batch, publicUrl), close: async () => {} };
}

/** What the writer thread is started with. */
export interface WriterThreadData {
  file: string;
  publicUrl: string | null;
}

export type WriterRequest = { id: number; batch: OutcomeBatch } | { close: true };
export type WriterReply = { id: number; written: BatchWritten } | { id: number; error: { message: string; code?: string } };

/** A write the writer thread could not make; the batch is kept and written again. */
export class WriterThreadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

// Built, the worker is the .js beside this file. Tests run the sources (.ts), which a worker
// cannot load: they start it from the build that `npm test` makes first.
const workerUrl = import.meta.url.endsWith('.ts') ? new URL('../../dist/engine/batchWriterWorker.js', import.meta.url) : new URL('./batchWriterWorker.js', import.meta.url);

class BatchWriterThread implements BatchWriter {
  private worker: Worker | null = null;
  private closed = false;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (w: BatchWritten) => void; reject: (err: Error) => void }>();

  constructor(
    private readonly file: string,
    /** This process's turns at the file's write lock: a batch is sent when its turn comes. */
    private readonly gate: WriteGate,
    private readonly publicUrl: string | null,
    private readonly logger: Logger,
  ) {}

  async write(batch: OutcomeBatch): Promise<BatchWritten> {
    await this.gate.acquire();
    try {
      // Checked on its turn: a write that waited while the engine closed must not start a thread.
      if (this.closed) throw new WriterThreadError('the outcome writer is closed');
      const worker = this.worker ?? this.spawn();
      const id = this.nextId++;
      return await new Promise<BatchWritten>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        worker.postMessage({ id, batch } satisfies WriterRequest);
      });
    } finally {
      this.gate.release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    const exited = new Promise((r) => worker.once('exit', r));
    worker.postMessage({ close: true } satisfies WriterRequest);
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): Worker {
    const worker = new Worker(workerUrl, { workerData: { file: this.file, publicUrl: this.publicUrl } satisfies WriterThreadData });
    // The server's own lifetime decides when the process ends, not this thread's.
    worker.unref();
    worker.on('message', (reply: WriterReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('written' in reply) waiter.resolve(reply.written);
      else waiter.reject(new WriterThreadError(reply.error.message, reply.error.code));
    });
    worker.on('error', (err) => this.logger.error({ err }, 'the outcome writer thread failed; a new one starts with the next write'));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      // Batches it had not answered are written again by the next thread.
      for (const waiter of this.pending.values()) waiter.reject(new WriterThreadError(`the outcome writer thread exited (code ${code})`));
      this.pending.clear();
    });
    this.worker = worker;
    return worker;
  }
}
