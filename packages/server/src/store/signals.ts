import { sql, type Kysely, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

const channel = 'kairos_runs';

/** Wakes the other nodes when runs become due soon or jobs go away. */
export interface Signals {
  /**
   * Sends inside `trx`, so the others hear them only once the transaction commits; all in one
   * statement, so a create that wakes the engines and tells the live streams costs one round trip.
   */
  announce(trx: Transaction<Database> | Kysely<Database>, messages: readonly SignalMessage[]): Promise<void>;
  /**
   * Tells every node (this one included) that these jobs changed, once the transaction that
   * changed them has committed: `jobs:` messages for the live streams, sent a moment later on
   * `db`, gathered with those of the other transactions committed meanwhile, at most one message
   * (per 200 ids) every `jobsEveryMs`. Not inside the transaction: PostgreSQL takes one lock for
   * every commit that notifies, so a NOTIFY in each write transaction made the commits take turns
   * (a third fewer single creates a second).
   */
  announceJobs(db: Kysely<Database>, jobs: ReadonlyMap<string, Iterable<string>>): void;
  subscribe(onMessage: (message: SignalMessage) => void): void;
  close(): Promise<void>;
}

/**
 * `wake`: runs became due soon, claim now. `forget:<runId>,<runId>,…`: those runs were deleted
 * (their job paused, changed, cancelled or deleted), drop them from memory.
 * `jobs:<projectId>:<jobId>,…`: those jobs of the project were created, changed or deleted, for
 * live streams (the engine ignores it).
 */
export type SignalMessage = 'wake' | `forget:${string}` | `jobs:${string}`;

const forgetPrefix = 'forget:';
const jobsPrefix = 'jobs:';
// NOTIFY payloads are limited to 8 000 bytes: 200 ids (30 characters each, and a comma) fit.
const idsPerSignal = 200;

/** The messages that tell the other nodes these runs were deleted. */
export function forgetMessages(runIds: readonly string[]): SignalMessage[] {
  const messages: SignalMessage[] = [];
  for (let i = 0; i < runIds.length; i += idsPerSignal) messages.push(`${forgetPrefix}${runIds.slice(i, i + idsPerSignal).join(',')}`);
  return messages;
}

/** The run ids a `forget:` message names; null for any other message. */
export function forgottenRuns(message: SignalMessage): string[] | null {
  return message.startsWith(forgetPrefix) ? message.slice(forgetPrefix.length).split(',') : null;
}

/** The messages that tell every node these jobs of a project changed. */
export function jobsMessages(projectId: string, jobIds: readonly string[]): SignalMessage[] {
  const messages: SignalMessage[] = [];
  for (let i = 0; i < jobIds.length; i += idsPerSignal) messages.push(`${jobsPrefix}${projectId}:${jobIds.slice(i, i + idsPerSignal).join(',')}`);
  return messages;
}

/** The project and job ids a `jobs:` message names; null for any other message. */
export function changedJobs(message: SignalMessage): { projectId: string; jobIds: string[] } | null {
  if (!message.startsWith(jobsPrefix)) return null;
  const rest = message.slice(jobsPrefix.length);
  const colon = rest.indexOf(':');
  return colon > 0 ? { projectId: rest.slice(0, colon), jobIds: rest.slice(colon + 1).split(',') } : null;
}

/** One SQLite process owns its file: nobody else to tell. */
export const sqliteSignals: Signals = {
  announce: async () => {},
  announceJobs: () => {},
  subscribe: () => {},
  close: async () => {},
};

/**
 * `jobsEveryMs`: the least time between two `jobs:` messages of this node (see `sendJobs`); the
 * live streams hear of a job change at most this late.
 */
export function createPostgresSignals(url: string, { jobsEveryMs = 100 }: { jobsEveryMs?: number } = {}): Signals {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const listeners: Array<(m: SignalMessage) => void> = [];

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    const reconnect = () => {
      if (client === c) client = undefined;
      c.end().catch(() => {});
      if (!closed && !retry) retry = setTimeout(() => ((retry = undefined), void connect()), 1_000);
    };
    c.on('error', reconnect);
    c.on('end', reconnect);
    c.on('notification', (n) => {
      for (const l of listeners) l((n.payload ?? 'wake') as SignalMessage);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      client = c;
      // Whatever was announced while we were not listening: claim to catch up.
      for (const l of listeners) l('wake');
    } catch {
      reconnect();
    }
  };

  async function announce(trx: Transaction<Database> | Kysely<Database>, messages: readonly SignalMessage[]): Promise<void> {
    if (messages.length === 1) await sql`SELECT pg_notify(${channel}, ${messages[0]})`.execute(trx);
    else if (messages.length > 1) await sql`SELECT pg_notify(${channel}, m) FROM unnest(${messages}::text[]) WITH ORDINALITY AS t(m, i) ORDER BY i`.execute(trx);
  }

  // Changed jobs not yet announced, by project. A change is told at once when none was told in
  // the last `jobsEveryMs`; otherwise it waits for the end of that interval with whatever else
  // committed meanwhile. Every NOTIFY costs all the nodes' commits a turn at PostgreSQL's one
  // notification lock: under a stream of creates this keeps it to a few a second rather than one
  // per transaction (a tenth fewer single creates a second). One NOTIFY is in flight at a time;
  // after a failure (the database away) the changes wait a second for the next try.
  const pendingJobs = new Map<string, Set<string>>();
  let sending: Promise<void> | undefined;
  let lastSentAt = -Infinity;
  let jobsTimer: NodeJS.Timeout | undefined;

  function sendJobs(db: Kysely<Database>): void {
    if (sending || jobsTimer || pendingJobs.size === 0) return;
    const wait = closed ? 0 : lastSentAt + jobsEveryMs - Date.now();
    if (wait > 0) {
      jobsTimer = setTimeout(() => ((jobsTimer = undefined), sendJobs(db)), wait);
      return;
    }
    lastSentAt = Date.now();
    const batch = new Map(pendingJobs);
    pendingJobs.clear();
    const messages: SignalMessage[] = [];
    for (const [projectId, ids] of batch) messages.push(...jobsMessages(projectId, [...ids]));
    sending = announce(db, messages).then(
      () => {
        sending = undefined;
        sendJobs(db);
      },
      () => {
        sending = undefined;
        for (const [projectId, ids] of batch) addJobs(projectId, ids);
        if (!closed) jobsTimer = setTimeout(() => ((jobsTimer = undefined), sendJobs(db)), 1_000);
      },
    );
  }

  function addJobs(projectId: string, ids: Iterable<string>): void {
    let pending = pendingJobs.get(projectId);
    if (!pending) pendingJobs.set(projectId, (pending = new Set()));
    for (const id of ids) pending.add(id);
  }

  let jobsDb: Kysely<Database> | undefined;

  return {
    announce,
    announceJobs(db, jobs) {
      jobsDb = db;
      for (const [projectId, ids] of jobs) addJobs(projectId, ids);
      sendJobs(db);
    },
    subscribe(onMessage) {
      listeners.push(onMessage);
      if (listeners.length === 1) void connect();
    },
    async close() {
      // What committed before closing is still told: one last try when the database was away.
      while (sending) await sending;
      if (jobsTimer) clearTimeout(jobsTimer);
      jobsTimer = undefined;
      closed = true;
      if (jobsDb) sendJobs(jobsDb);
      while (sending) await sending;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
