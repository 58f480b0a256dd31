import { firstIdAt } from '../domain/ids.js';
import type { Store } from '../store/connect.js';
import { changedJobs } from '../store/signals.js';
import { getJobs } from '../store/sql/jobs.js';
import { executionIdsAfter, executionsByIds, latestExecutionId } from '../store/sql/liveFeed.js';
import type { Job } from '../domain/job.js';
import type { Execution } from '../domain/records.js';
import { decodeExecution, decodeJob } from '../store/rows.js';

/**
 * One server-sent event: `event`, the record it is about, and `id` for executions (what
 * Last-Event-ID resumes from). The door that streams it shows the record in its representation.
 */
export type FeedEvent = { event: 'execution'; id: string; data: Execution } | { event: 'job'; id?: undefined; data: Job } | { event: 'job.deleted'; id?: undefined; data: { id: string } };

/** Where a subscription's events go; resolves false once the client is gone (or was dropped), which ends it. */
export type FeedSink = (events: FeedEvent[]) => Promise<boolean>;

export interface LiveFeedOptions {
  store: Store;
  /**
   * How often every subscription looks at the database even when nothing on this node said so:
   * on PostgreSQL other nodes record attempts this one does not hear of.
   */
  pollMs: number;
  /**
   * How far back each look re-reads ids, for attempts that another node recorded with an
   * earlier id but committed after this node had read past it (clock skew, commit order).
   * Zero on SQLite: one process writes, in id order.
   */
  lookbackMs: number;
}

/** Attempts sent after a Last-Event-ID before going live. */
export const maxResumed = 1_000;
/** Ids read per look; a look goes on until it has caught up. */
const idsPerRead = 500;
/** Job changes waiting for one subscription's next look; more are dropped (a client reloads on reconnect). */
const maxPendingJobs = 1_000;

interface Subscription {
  projectId: string;
  jobId: string | undefined;
  sink: FeedSink;
  /** The latest attempt id read; the next look starts after it. */
  cursor: string;
  /** Ids at or after the lookback floor that were sent already. */
  sent: Set<string>;
  pendingJobs: Set<string>;
  reading: boolean;
  again: boolean;
  closed: boolean;
}

/**
 * The project's attempts and job changes as they happen, for `GET /v1/stream`. Attempts come from
 * the database, so a subscription on any node sees those of every node; this node's own writes
 * wake its subscriptions at once, the others' are found by polling. Job changes reach every node
 * by a signal (PostgreSQL NOTIFY) or, on SQLite, straight from the jobs service.
 */
export function createLiveFeed({ store, pollMs, lookbackMs }: LiveFeedOptions) {
  const subscriptions = new Set<Subscription>();
  const viaSignals = store.dialect.liveFeed.viaSignals;
  let timer: NodeJS.Timeout | undefined;

  function poke(sub: Subscription): void {
    if (sub.closed) return;
    if (sub.reading) {
      sub.again = true;
      return;
    }
    sub.reading = true;
    void (async () => {
      try {
        do {
          sub.again = false;
          await look(sub);
        } while (sub.again && !sub.closed);
      } catch {
        // The database was away: the next poll or wake looks again from the same cursor.
      } finally {
        sub.reading = false;
      }
    })();
  }

  /** New attempt ids after the cursor (re-reading the lookback window), each id once. */
  async function newIds(sub: Subscription, limit: number): Promise<string[]> {
    const floor = lookbackMs > 0 ? firstIdAt('exe', Date.now() - lookbackMs) : sub.cursor;
    for (const id of sub.sent) if (id < floor) sub.sent.delete(id);
    let from = sub.cursor < floor ? sub.cursor : floor;
    const fresh: string[] = [];
    while (fresh.length < limit) {
      const ids = await executionIdsAfter(store.db, sub.projectId, from, sub.jobId, idsPerRead);
      for (const id of ids) if (!sub.sent.has(id) && fresh.length < limit) fresh.push(id);
      if (ids.length < idsPerRead) break;
      from = ids.at(-1)!;
    }
    return fresh;
  }

  async function look(sub: Subscription): Promise<void> {
    const fresh = await newIds(sub, maxResumed);
    const events: FeedEvent[] = [];
    const jobIds = new Set(sub.pendingJobs);
    sub.pendingJobs.clear();
    for (const row of await executionsByIds(store.db, store.dialect, sub.projectId, fresh)) {
      events.push({ event: 'execution', id: row.id, data: decodeExecution(row) });
      // An attempt changes its job too (last status, next run, completed or failed).
      jobIds.add(row.job_id);
    }
    if (jobIds.size > 0) {
      const ids = [...jobIds];
      const found = new Map((await getJobs(store.db, store.dialect, sub.projectId, ids)).map((j) => [j.id, j]));
      for (const id of ids) {
        const job = found.get(id);
        events.push(job ? { event: 'job', data: decodeJob(job) } : { event: 'job.deleted', data: { id } });
      }
    }
    for (const id of fresh) {
      if (id > sub.cursor) sub.cursor = id;
      if (lookbackMs > 0) sub.sent.add(id);
    }
    if (events.length > 0 && !(await sub.sink(events))) close(sub);
  }

  function jobsChanged(projectId: string, ids: Iterable<string>): void {
    for (const sub of subscriptions) {
      if (sub.projectId !== projectId) continue;
      let any = false;
      for (const id of ids) {
        if (sub.jobId !== undefined && id !== sub.jobId) continue;
        if (sub.pendingJobs.size < maxPendingJobs) sub.pendingJobs.add(id);
        any = true;
      }
      if (any) poke(sub);
    }
  }

  function close(sub: Subscription): void {
    sub.closed = true;
    subscriptions.delete(sub);
    if (subscriptions.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  if (viaSignals) {
    store.signals.subscribe((message) => {
      if (subscriptions.size === 0) return;
      if (message === 'wake') {
        // Also sent on reconnecting to the database, when notifications may have been missed.
        for (const sub of subscriptions) poke(sub);
        return;
      }
      const changed = changedJobs(message);
      if (changed) jobsChanged(changed.projectId, changed.jobIds);
    });
  }

  return {
    /** This node recorded attempts of these projects. */
    recorded(projectIds: Iterable<string>): void {
      if (subscriptions.size === 0) return;
      const projects = new Set(projectIds);
      for (const sub of subscriptions) if (projects.has(sub.projectId)) poke(sub);
    },

    /**
     * Jobs changed in a transaction this node committed. With PostgreSQL the NOTIFY sent after
     * it reaches every node, this one included, so only SQLite takes the direct path.
     */
    jobsChanged(projectId: string, ids: Iterable<string>): void {
      if (!viaSignals && subscriptions.size > 0) jobsChanged(projectId, ids);
    },

    /**
     * Starts a subscription: the attempts after `lastEventId` first (at most {@link maxResumed};
     * when more were recorded, the rest are skipped and it goes on from the latest), then live.
     * Returns the function that ends it.
     */
    async open(projectId: string, options: { jobId?: string; lastEventId?: string }, sink: FeedSink): Promise<() => void> {
      const latest = (await latestExecutionId(store.db, projectId)) ?? firstIdAt('exe', 0);
      const sub: Subscription = { projectId, jobId: options.jobId, sink, cursor: latest, sent: new Set(), pendingJobs: new Set(), reading: false, again: false, closed: false };
      subscriptions.add(sub);
      timer ??= setInterval(() => {
        for (const s of subscriptions) poke(s);
      }, pollMs).unref();
      if (options.lastEventId !== undefined && options.lastEventId < latest) {
        sub.reading = true;
        try {
          const from = options.lastEventId;
          const ids = (await executionIdsAfter(store.db, projectId, from, sub.jobId, maxResumed)).filter((id) => id <= latest);
          const rows = await executionsByIds(store.db, store.dialect, projectId, ids);
          // Whatever is read here precedes `latest`, which the live part starts after.
          if (rows.length > 0 && !(await sink(rows.map((row) => ({ event: 'execution' as const, id: row.id, data: decodeExecution(row) }))))) close(sub);
        } finally {
          sub.reading = false;
        }
        if (sub.again) poke(sub);
      }
      // Anything recorded between reading `latest` and now.
      poke(sub);
      return () => close(sub);
    },

    /** Ends every subscription (the server is closing). */
    closeAll(): void {
      for (const sub of [...subscriptions]) close(sub);
    },

    get size(): number {
      return subscriptions.size;
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
