import type { Transaction } from 'kysely';
import type { Store } from '../store/connect.js';
import type { Database, ExecutionRow, JobRow, RunRow } from '../store/schema.js';
import { forgetMessages, type SignalMessage } from '../store/signals.js';

/** What the use cases need from the engine. */
export interface EngineHooks {
  readonly nodeId: string;
  /** Runs became due within the horizon: claim them now. */
  wake(): void;
  /** These runs were deleted: drop them from memory. */
  forgetRuns(runIds: readonly string[]): void;
  /** Deliver a run written with this node's lease, at its instant. */
  deliver(run: RunRow, job: JobRow): void;
  firstExecution(runId: string, timeoutMs: number): Promise<ExecutionRow | undefined>;
}

/**
 * What a use case's transaction did to runs: announced to the other nodes inside the
 * transaction (so they hear it only on commit), and applied to this node's engine after it.
 * The jobs it changed are told to the live streams after the commit (Signals.announceJobs).
 */
export class RunChanges {
  private dueSoon = false;
  private readonly deleted: string[] = [];
  /** Jobs created, changed or deleted, by project: what live streams are told. */
  readonly jobs = new Map<string, Set<string>>();

  constructor(private readonly horizonEnd: number) {}

  added(dueAt: number): void {
    if (dueAt <= this.horizonEnd) this.dueSoon = true;
  }

  jobChanged(projectId: string, jobId: string): void {
    const ids = this.jobs.get(projectId);
    if (ids) ids.add(jobId);
    else this.jobs.set(projectId, new Set([jobId]));
  }

  removed(runIds: readonly string[]): void {
    this.deleted.push(...runIds);
  }

  async announce(trx: Transaction<Database>, store: Store): Promise<void> {
    const messages: SignalMessage[] = this.dueSoon ? ['wake'] : [];
    messages.push(...forgetMessages(this.deleted));
    await store.signals.announce(trx, messages);
  }

  apply(engine: EngineHooks): void {
    if (this.deleted.length > 0) engine.forgetRuns(this.deleted);
    if (this.dueSoon) engine.wake();
  }
}
