import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDatabase, databaseKinds, type TestDatabase } from '@kairos/testkit';
import { compileJobDefinition } from '../../src/domain/jobDefinition.js';
import { newId } from '../../src/domain/ids.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { newJobRow, newOutboxRow, newRunRow } from '../../src/store/rows.js';
import type { ExecutionRow, JobRow, OutboxRow, RunRow } from '../../src/store/schema.js';
import { lockProject } from '../../src/store/sql/accounts.js';
import { claimRuns } from '../../src/store/sql/claimRuns.js';
import type { Executor } from '../../src/store/sql/executor.js';
import { pingDatabase } from '../../src/store/sql/health.js';
import { countLiveJobs, getJob, getJobsByIds, insertJobs, lockJobs, pruneFinishedJobs, updateJob } from '../../src/store/sql/jobs.js';
import { releaseAllLeases, releaseLeases, releaseOwnedLeases, renewLeases } from '../../src/store/sql/leases.js';
import { materializeRuns } from '../../src/store/sql/materializeRuns.js';
import { claimMessages, insertMessages } from '../../src/store/sql/outbox.js';
import { type Outcome, recordOutcomes } from '../../src/store/sql/recordOutcomes.js';
import { deleteRuns, deleteRunsOfJob, insertRuns, scheduledRunsOf } from '../../src/store/sql/runs.js';
import { inTransaction } from '../../src/store/transaction.js';
import { changedJobs, createPostgresSignals, forgetMessages, jobsMessages, type SignalMessage, type Signals } from '../../src/store/signals.js';

/**
 * The store's contract: each SQL operation of store/sql/ called directly, with the same
 * expectations on SQLite and on PostgreSQL, whichever dialect (store/dialects/) runs it. Each is
 * called inside a transaction and on the database: the SQLite dialect's prepared statements run
 * in the transaction they are given, or else in one of their own; both are held to it.
 */

const t0 = 1_900_000_000_000;
const project = 'prj_contract';

/** A job row as the store reads it back (a new row leaves `state` and `previous_result` to their default, null). */
function jobRow(fields: Partial<JobRow> = {}, recurring = true): JobRow {
  const schedule = recurring ? { type: 'cron', expression: '* * * * *' } : { type: 'once', at: t0 + 60_000 };
  const compiled = compileJobDefinition({ url: 'https://example.com/hook', schedule }, t0, () => null);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
  return { ...newJobRow(project, compiled.value, true, t0), state: null, previous_result: null, ...fields };
}

function execution(run: RunRow, fields: Partial<ExecutionRow> = {}): ExecutionRow {
  return {
    id: newId('exe', t0),
    job_id: run.job_id,
    project_id: run.project_id,
    run_id: run.id,
    delivery_id: run.delivery_id,
    attempt: run.attempt,
    triggered_by: run.triggered_by,
    status: 'success',
    status_code: 200,
    duration_ms: 5,
    error: null,
    scheduled_for: run.due_at,
    started_at: t0 + 1,
    completed_at: t0 + 6,
    response_headers: null,
    response_body: null,
    replay_of: null,
    request_method: 'POST',
    request_url: 'https://example.com/hook',
    request_headers: '{}',
    request_body: null,
    ...fields,
  };
}

const done = (run: RunRow, fields: Partial<ExecutionRow> = {}, status: JobRow['status'] | null = null): Outcome => ({
  execution: execution(run, fields),
  run: { kind: 'done', id: run.id },
  job: { id: run.job_id, status },
});

/** Where an operation runs: in a transaction, or straight on the database. */
const paths = [
  { name: 'in a transaction', run: <T>(store: Store, work: (db: Executor) => Promise<T>) => store.db.transaction().execute(work) },
  { name: 'on the database', run: <T>(store: Store, work: (db: Executor) => Promise<T>) => work(store.db) },
] as const;

describe.each(databaseKinds)('the store on %s', (kind) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await createDatabase(kind);
    store = await openStore(database.url);
    await store.db.insertInto('projects').values({ id: project, name: 'contract', created_at: t0 }).execute();
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    await store.db.deleteFrom('outbox').execute();
    await store.db.deleteFrom('executions').execute();
    await store.db.deleteFrom('runs').execute();
    await store.db.deleteFrom('jobs').execute();
  });

  async function seed(jobs: JobRow[], runs: RunRow[] = []): Promise<void> {
    await insertJobs(store.db, store.dialect, jobs);
    await insertRuns(store.db, store.dialect, runs);
  }

  const runsById = async () => new Map((await store.db.selectFrom('runs').selectAll().execute()).map((r) => [r.id, r]));

  describe.each(paths)('$name', ({ run: on }) => {
    describe('anyOf', () => {
      const sorted = (ids: readonly string[]) => [...ids].sort();

      it('matches a column against a list of ids, whatever its length, repeats or characters', async () => {
        const plain = jobRow();
        const other = jobRow();
        // Quotes, a backslash, a comma and non-ASCII letters survive the list's encoding.
        const odd = jobRow({ id: `job_"quoted" it's, back\\slash {ünï}` });
        await seed([plain, other, odd]);
        const matched = (ids: readonly string[]) =>
          on(store, async (db) => sorted((await db.selectFrom('jobs').select('id').where('id', 'in', store.dialect.anyOf(ids)).execute()).map((r) => r.id)));

        expect(await matched([])).toEqual([]);
        expect(await matched([plain.id])).toEqual([plain.id]);
        expect(await matched([odd.id, plain.id, plain.id, 'job_gone'])).toEqual(sorted([plain.id, odd.id]));
        expect(await matched([...Array.from({ length: 5_000 }, (_, i) => `job_${i}`), other.id])).toEqual([other.id]);
      });
    });

    describe('claimRuns', () => {
      it('leases the due runs without a live lease, earliest first, up to the limit', async () => {
        const job = jobRow();
        const late = newRunRow(job, t0 - 100, t0);
        const early = newRunRow(job, t0 - 300, t0);
        const expired = newRunRow(job, t0 - 200, t0, { lease_owner: 'node_dead', lease_until: t0 - 1 });
        const held = newRunRow(job, t0 - 400, t0, { lease_owner: 'node_other', lease_until: t0 + 10_000 });
        const notDue = newRunRow(job, t0 + 5_000, t0);
        await seed([job], [late, early, expired, held, notDue]);

        const claimed = await on(store, (db) => claimRuns(db, store.dialect, { owner: 'node_a', now: t0, dueBefore: t0, leaseUntil: t0 + 30_000, limit: 2 }));
        expect(claimed.map((r) => r.id).sort()).toEqual([early.id, expired.id].sort());
        for (const r of claimed) expect(r).toMatchObject({ lease_owner: 'node_a', lease_until: t0 + 30_000, job_id: job.id, due_at: expect.any(Number) });

        const rest = await on(store, (db) => claimRuns(db, store.dialect, { owner: 'node_a', now: t0, dueBefore: t0 + 1_000, leaseUntil: t0 + 30_000, limit: 10 }));
        expect(rest.map((r) => r.id)).toEqual([late.id]);
        const rows = await runsById();
        expect(rows.get(held.id)).toMatchObject({ lease_owner: 'node_other', lease_until: t0 + 10_000 });
        expect(rows.get(notDue.id)).toMatchObject({ lease_owner: null, lease_until: null });
      });

      it('claims nothing when nothing is due', async () => {
        const job = jobRow();
        await seed([job], [newRunRow(job, t0 + 1_000, t0)]);
        expect(await on(store, (db) => claimRuns(db, store.dialect, { owner: 'node_a', now: t0, dueBefore: t0, leaseUntil: t0 + 30_000, limit: 10 }))).toEqual([]);
      });
    });

    describe('leases', () => {
      it("renews only the given runs still leased to the node, and counts them", async () => {
        const job = jobRow();
        const mine = newRunRow(job, t0 + 1, t0, { lease_owner: 'node_a', lease_until: t0 + 1_000 });
        const mineNotAsked = newRunRow(job, t0 + 2, t0, { lease_owner: 'node_a', lease_until: t0 + 1_000 });
        const theirs = newRunRow(job, t0 + 3, t0, { lease_owner: 'node_b', lease_until: t0 + 1_000 });
        await seed([job], [mine, mineNotAsked, theirs]);

        expect(await on(store, (db) => renewLeases(db, store.dialect, 'node_a', [mine.id, theirs.id, 'run_gone'], t0 + 9_000))).toBe(1);
        expect(await on(store, (db) => renewLeases(db, store.dialect, 'node_a', [], t0 + 9_000))).toBe(0);
        const rows = await runsById();
        expect(rows.get(mine.id)!.lease_until).toBe(t0 + 9_000);
        expect(rows.get(mineNotAsked.id)!.lease_until).toBe(t0 + 1_000);
        expect(rows.get(theirs.id)!.lease_until).toBe(t0 + 1_000);
      });

      it('gives back the given runs of a node, all of its runs, or every run', async () => {
        const job = jobRow();
        const a1 = newRunRow(job, t0 + 1, t0, { lease_owner: 'node_a', lease_until: t0 + 1_000 });
        const a2 = newRunRow(job, t0 + 2, t0, { lease_owner: 'node_a', lease_until: t0 + 1_000 });
        const a3 = newRunRow(job, t0 + 3, t0, { lease_owner: 'node_a', lease_until: t0 + 1_000 });
        const b = newRunRow(job, t0 + 4, t0, { lease_owner: 'node_b', lease_until: t0 + 1_000 });
        await seed([job], [a1, a2, a3, b]);
        const owners = async () => Object.fromEntries([...(await runsById())].map(([id, r]) => [id, r.lease_owner]));

        await on(store, (db) => releaseLeases(db, store.dialect, 'node_a', [a1.id, b.id]));
        expect(await owners()).toEqual({ [a1.id]: null, [a2.id]: 'node_a', [a3.id]: 'node_a', [b.id]: 'node_b' });
        expect(await on(store, (db) => releaseOwnedLeases(db, 'node_a'))).toBe(2);
        expect(await owners()).toEqual({ [a1.id]: null, [a2.id]: null, [a3.id]: null, [b.id]: 'node_b' });
        expect(await on(store, (db) => releaseAllLeases(db))).toBe(1);
        expect(Object.values(await owners())).toEqual([null, null, null, null]);
        expect([...(await runsById()).values()].every((r) => r.lease_until === null)).toBe(true);
      });
    });

    describe('runs', () => {
      it("inserts runs, lists a job's scheduled ones earliest first, and deletes them by id or by job", async () => {
        const job = jobRow();
        const second = newRunRow(job, t0 + 2_000, t0);
        const first = newRunRow(job, t0 + 1_000, t0);
        const manual = newRunRow(job, t0, t0, { triggered_by: 'manual' });
        await seed([job]);
        await on(store, (db) => insertRuns(db, store.dialect, [second, first, manual]));

        expect((await scheduledRunsOf(store.db, job.id)).map((r) => r.id)).toEqual([first.id, second.id]);
        expect((await on(store, (db) => deleteRunsOfJob(db, job.id, 'schedule'))).sort()).toEqual([first.id, second.id].sort());
        expect([...(await runsById()).keys()]).toEqual([manual.id]);
        await on(store, (db) => insertRuns(db, store.dialect, [first]));
        await on(store, (db) => deleteRuns(db, store.dialect, [first.id]));
        expect(await on(store, (db) => deleteRunsOfJob(db, job.id))).toEqual([manual.id]);
        expect((await runsById()).size).toBe(0);
      });

      it('keeps every column of a run as written', async () => {
        const job = jobRow();
        await seed([job]);
        const run = newRunRow(job, t0 + 1, t0, { attempt: 3, lease_owner: 'node_a', lease_until: t0 + 2, triggered_by: 'replay', replay_of: 'exe_1' });
        await on(store, (db) => insertRuns(db, store.dialect, [run]));
        expect((await runsById()).get(run.id)).toEqual(run);
      });
    });

    describe('jobs', () => {
      it('inserts jobs and reads them back whole, by id, with their next due instant', async () => {
        const job = jobRow({ name: 'contract', tags: '["a"]' });
        const other = jobRow();
        await on(store, (db) => insertJobs(db, store.dialect, [job, other]));
        await insertRuns(store.db, store.dialect, [newRunRow(job, t0 + 7_000, t0), newRunRow(job, t0 + 3_000, t0)]);

        const byIds = await on(store, (db) => getJobsByIds(db, store.dialect, [job.id, other.id, 'job_gone']));
        expect(byIds.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([job, other].sort((a, b) => (a.id < b.id ? -1 : 1)));
        expect(await getJob(store.db, project, job.id)).toEqual({ ...job, next_run_at: t0 + 3_000 });
        expect(await getJob(store.db, project, other.id)).toEqual({ ...other, next_run_at: null });
        expect(await getJob(store.db, 'prj_other', job.id)).toBeUndefined();
      });

      it('raises the revision of the jobs it locks', async () => {
        const job = jobRow();
        await seed([job]);
        const [locked] = await on(store, (db) => lockJobs(db, store.dialect, project, [job.id]));
        expect(locked).toMatchObject({ id: job.id, revision: job.revision + 1 });
        expect(await on(store, (db) => lockJobs(db, store.dialect, 'prj_other', [job.id]))).toEqual([]);
      });

      it('counts active and paused jobs against the plan, and prunes finished one-time jobs that have no run left', async () => {
        const active = jobRow();
        const paused = jobRow({ status: 'paused' });
        const completed = jobRow({ status: 'completed', updated_at: t0 - 10 }, false);
        const failed = jobRow({ status: 'failed', updated_at: t0 - 10 }, false);
        const cancelledWithRun = jobRow({ status: 'cancelled', updated_at: t0 - 10 }, false);
        const recentlyFailed = jobRow({ status: 'failed', updated_at: t0 + 10 }, false);
        await seed([active, paused, completed, failed, cancelledWithRun, recentlyFailed], [newRunRow(cancelledWithRun, t0, t0, { triggered_by: 'manual' })]);

        expect(await on(store, (db) => countLiveJobs(db, project))).toBe(2);
        expect(await on(store, (db) => pruneFinishedJobs(db, store.dialect, [project], t0, 10))).toBe(2);
        const left = (await store.db.selectFrom('jobs').select('id').execute()).map((j) => j.id).sort();
        expect(left).toEqual([active.id, paused.id, cancelledWithRun.id, recentlyFailed.id].sort());
        expect(await on(store, (db) => pruneFinishedJobs(db, store.dialect, [], t0, 10))).toBe(0);
      });
    });

    describe('materializeRuns', () => {
      it("writes the next runs of active jobs at the revision they were planned from, once", async () => {
        const job = jobRow();
        const changed = jobRow({ revision: 4 });
        const paused = jobRow({ status: 'paused' });
        await seed([job, changed, paused]);
        const next = newRunRow(job, t0 + 60_000, t0);
        const stale = newRunRow(changed, t0 + 60_000, t0);
        const ofPaused = newRunRow(paused, t0 + 60_000, t0);

        const inserted = await on(store, (db) =>
          materializeRuns(db, store.dialect, [
            { run: next, revision: job.revision },
            { run: stale, revision: 3 },
            { run: ofPaused, revision: paused.revision },
          ]),
        );
        expect([...inserted]).toEqual([next.id]);
        expect((await runsById()).get(next.id)).toEqual(next);
        // Written again (a batch retried after a lost commit): nothing new, nothing changed.
        expect([...(await on(store, (db) => materializeRuns(db, store.dialect, [{ run: { ...next, due_at: t0 }, revision: job.revision }])))]).toEqual([]);
        expect((await runsById()).get(next.id)!.due_at).toBe(t0 + 60_000);
        expect(await on(store, (db) => materializeRuns(db, store.dialect, []))).toEqual(new Set());
      });
    });

    describe('outbox', () => {
      it('leases the pending messages that are due and not held by a live lease, oldest first, up to the limit', async () => {
        const message = (due: number, fields: Partial<OutboxRow> = {}): OutboxRow => ({
          ...newOutboxRow({ id: newId('msg', t0), projectId: project, jobId: null, kind: 'callback', event: 'callback', url: 'https://example.com/cb', body: {}, now: t0 }),
          due_at: due,
          ...fields,
        });
        const later = message(t0 - 100);
        const first = message(t0 - 300);
        const expired = message(t0 - 200, { lease_owner: 'node_dead', lease_until: t0 - 1 });
        const held = message(t0 - 400, { lease_owner: 'node_other', lease_until: t0 + 10_000 });
        const delivered = message(t0 - 500, { status: 'delivered' });
        const notDue = message(t0 + 5_000);
        await on(store, (db) => insertMessages(db, store.dialect, [later, first, expired, held, delivered, notDue]));
        expect(await store.db.selectFrom('outbox').selectAll().where('id', '=', held.id).executeTakeFirst()).toEqual(held);

        const claim = { owner: 'node_a', now: t0, leaseUntil: t0 + 30_000 };
        const claimed = await on(store, (db) => claimMessages(db, store.dialect, { ...claim, limit: 2 }));
        expect(claimed.map((m) => m.id)).toEqual([first.id, expired.id]);
        for (const m of claimed) expect(m).toMatchObject({ lease_owner: 'node_a', lease_until: t0 + 30_000 });
        expect((await on(store, (db) => claimMessages(db, store.dialect, { ...claim, limit: 10 }))).map((m) => m.id)).toEqual([later.id]);
        expect(await on(store, (db) => claimMessages(db, store.dialect, { ...claim, limit: 10 }))).toEqual([]);
        const owners = Object.fromEntries((await store.db.selectFrom('outbox').select(['id', 'lease_owner']).execute()).map((m) => [m.id, m.lease_owner]));
        expect(owners).toEqual({ [later.id]: 'node_a', [first.id]: 'node_a', [expired.id]: 'node_a', [held.id]: 'node_other', [delivered.id]: null, [notDue.id]: null });
      });
    });
  });

  // Several statements that stand or fall together: it takes a transaction, by its type.
  describe('recordOutcomes', () => {
    it("stores the execution, ends or reschedules the run, and writes the job's summary", async () => {
      const job = jobRow();
      const ended = newRunRow(job, t0 + 1, t0, { lease_owner: 'node_a', lease_until: t0 + 1_000 });
      const retried = newRunRow(job, t0 + 2, t0, { lease_owner: 'node_a', lease_until: t0 + 1_000 });
      await seed([job], [ended, retried]);
      const first = execution(retried, { status: 'failed', status_code: 500, completed_at: t0 + 5 });
      const last = execution(ended, { status: 'success', status_code: 201, started_at: t0 + 7, duration_ms: 3, completed_at: t0 + 10 });

      const recorded = await inTransaction(store, (trx) =>
        recordOutcomes(trx, store.dialect, [
          { execution: last, run: { kind: 'done', id: ended.id }, job: { id: job.id, status: null, state: '{"n":1}' } },
          { execution: first, run: { kind: 'retry', id: retried.id, dueAt: t0 + 500, attempt: 2, leaseOwner: null, leaseUntil: null }, job: { id: job.id, status: null } },
        ]),
      );
      // In order of completion.
      expect(recorded.map((r) => r.outcome.execution.id)).toEqual([first.id, last.id]);
      const executions = await store.db.selectFrom('executions').selectAll().orderBy('completed_at').execute();
      expect(executions).toEqual([first, last]);
      const rows = await runsById();
      expect(rows.has(ended.id)).toBe(false);
      expect(rows.get(retried.id)).toMatchObject({ due_at: t0 + 500, attempt: 2, lease_owner: null, lease_until: null });
      expect(await store.db.selectFrom('jobs').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow()).toMatchObject({
        status: 'active',
        last_run_at: t0 + 7,
        last_status: 'success',
        last_status_code: 201,
        last_duration_ms: 3,
        updated_at: t0 + 10,
        state: '{"n":1}',
      });
    });

    it('is idempotent: a batch written again records nothing and changes nothing', async () => {
      const job = jobRow();
      const run = newRunRow(job, t0, t0);
      await seed([job], [run]);
      const outcome = done(run);
      expect(await inTransaction(store, (trx) => recordOutcomes(trx, store.dialect, [outcome]))).toHaveLength(1);
      await insertRuns(store.db, store.dialect, [run]);
      expect(await inTransaction(store, (trx) => recordOutcomes(trx, store.dialect, [outcome]))).toEqual([]);
      expect((await runsById()).has(run.id)).toBe(true);
      expect(await store.db.selectFrom('executions').selectAll().execute()).toHaveLength(1);
      expect(await inTransaction(store, (trx) => recordOutcomes(trx, store.dialect, []))).toEqual([]);
    });

    it('drops the outcomes of jobs deleted meanwhile', async () => {
      const job = jobRow();
      const run = newRunRow(job, t0, t0);
      await seed([job], [run]);
      await store.db.deleteFrom('jobs').where('id', '=', job.id).execute();
      expect(await inTransaction(store, (trx) => recordOutcomes(trx, store.dialect, [done(run)]))).toEqual([]);
      expect(await store.db.selectFrom('executions').selectAll().execute()).toEqual([]);
    });

    it('moves a one-time job on only while it is active', async () => {
      const active = jobRow({}, false);
      const paused = jobRow({ status: 'paused' }, false);
      const runA = newRunRow(active, t0, t0);
      const runP = newRunRow(paused, t0, t0);
      await seed([active, paused], [runA, runP]);
      await inTransaction(store, (trx) => recordOutcomes(trx, store.dialect, [done(runA, {}, 'completed'), done(runP, {}, 'completed')]));
      const statuses = Object.fromEntries((await store.db.selectFrom('jobs').select(['id', 'status']).execute()).map((j) => [j.id, j.status]));
      expect(statuses).toEqual({ [active.id]: 'completed', [paused.id]: 'paused' });
    });

    it('counts dead-lettered runs in a row as failures and a success after them as a recovery', async () => {
      const job = jobRow();
      await seed([job]);
      let due = t0;
      const attempt = async (status: ExecutionRow['status']) => {
        const run = newRunRow(job, due++, t0);
        await insertRuns(store.db, store.dialect, [run]);
        const [r] = await inTransaction(store, (trx) => recordOutcomes(trx, store.dialect, [done(run, { id: newId('exe', t0), status })]));
        return { transition: r!.transition, consecutiveFailures: r!.consecutiveFailures };
      };
      expect(await attempt('dead_letter')).toEqual({ transition: 'failed', consecutiveFailures: 1 });
      expect(await attempt('failed')).toEqual({ transition: null, consecutiveFailures: 1 });
      expect(await attempt('dead_letter')).toEqual({ transition: 'failed', consecutiveFailures: 2 });
      expect(await attempt('success')).toEqual({ transition: 'recovered', consecutiveFailures: 2 });
      expect(await attempt('success')).toEqual({ transition: null, consecutiveFailures: 0 });
      expect((await store.db.selectFrom('jobs').select('consecutive_failures').executeTakeFirstOrThrow()).consecutive_failures).toBe(0);
    });
  });

  describe('claims and locks that take turns', () => {
    it('never gives two claims at once the same run', async () => {
      const job = jobRow();
      const runs = [1, 2, 3, 4].map((n) => newRunRow(job, t0 - n, t0));
      await seed([job], runs);
      const claim = { now: t0, dueBefore: t0, leaseUntil: t0 + 30_000, limit: 2 };
      let secondStarted!: () => void;
      const started = new Promise<void>((r) => (secondStarted = r));
      // The first claim's transaction stays open while the second claims: PostgreSQL's skips the
      // rows the first locked, SQLite's waits for its turn and then sees the first's leases.
      const first = inTransaction(store, async (trx) => {
        const mine = await claimRuns(trx, store.dialect, { ...claim, owner: 'node_a' });
        secondStarted();
        await new Promise((r) => setTimeout(r, 100));
        return mine;
      });
      await started;
      const second = await inTransaction(store, (trx) => claimRuns(trx, store.dialect, { ...claim, owner: 'node_b' }));
      const a = (await first).map((r) => r.id);
      const b = second.map((r) => r.id);
      expect(a).toHaveLength(2);
      expect(b).toHaveLength(2);
      expect([...a, ...b].sort()).toEqual(runs.map((r) => r.id).sort());
      const owners = Object.fromEntries([...(await runsById())].map(([id, r]) => [id, r.lease_owner]));
      expect(owners).toEqual(Object.fromEntries([...a.map((id) => [id, 'node_a']), ...b.map((id) => [id, 'node_b'])]));
    });

    it('makes a second transaction that locks the project wait until the first has ended', async () => {
      const order: string[] = [];
      let firstLocked!: () => void;
      const locked = new Promise<void>((r) => (firstLocked = r));
      const first = inTransaction(store, async (trx) => {
        await lockProject(trx, store.dialect, project);
        order.push('first locked');
        firstLocked();
        // Long enough for the second to reach its lock, were it not held back.
        await new Promise((r) => setTimeout(r, 200));
        order.push('first ends');
      });
      await locked;
      const second = inTransaction(store, async (trx) => {
        await lockProject(trx, store.dialect, project);
        order.push('second locked');
      });
      await Promise.all([first, second]);
      expect(order).toEqual(['first locked', 'first ends', 'second locked']);
    });
  });


  it("binds anyOf's list as one parameter: one statement text for every length, which SQLite prepares once", () => {
    const compiled = (ids: readonly string[]) => store.db.selectFrom('jobs').select('id').where('id', 'in', store.dialect.anyOf(ids)).compile();
    const one = compiled(['job_a']);
    const three = compiled(['job_a', 'job_b', 'job_c']);
    expect(three.sql).toBe(one.sql);
    expect(one.parameters).toHaveLength(1);
    expect(three.parameters).toHaveLength(1);
  });

  it('answers a health probe', async () => {
    await expect(pingDatabase(store.db)).resolves.toBeUndefined();
  });

  it('updates a job by id', async () => {
    const job = jobRow();
    await seed([job]);
    await updateJob(store.db, job.id, { name: 'renamed', updated_at: t0 + 1 });
    expect(await getJob(store.db, project, job.id)).toMatchObject({ name: 'renamed', updated_at: t0 + 1 });
  });
});

describe('signals on postgres', () => {
  let database: TestDatabase;
  let store: Store;
  let listener: Signals;
  const heard: SignalMessage[] = [];

  beforeAll(async () => {
    database = await createDatabase('postgres');
    store = await openStore(database.url);
    listener = createPostgresSignals(database.url);
    listener.subscribe((m) => heard.push(m));
    // The first message a subscriber hears is the catch-up wake once it listens.
    const deadline = Date.now() + 10_000;
    while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    heard.length = 0;
  });
  afterAll(async () => {
    await listener?.close();
    await store?.close();
    await database?.drop();
  });

  it('delivers every message of a transaction, in order, once it commits and not before', async () => {
    const messages: SignalMessage[] = ['wake', ...forgetMessages(['run_a', 'run_b']), ...jobsMessages('prj_x', ['job_a', 'job_b'])];
    await store.db.transaction().execute(async (trx) => {
      await store.signals.announce(trx, messages);
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toEqual([]);
    });
    const deadline = Date.now() + 10_000;
    while (heard.length < messages.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(heard).toEqual(messages);
    heard.length = 0;
    await store.db.transaction().execute((trx) => store.signals.announce(trx, ['wake']));
    await store.db.transaction().execute((trx) => store.signals.announce(trx, []));
    while (heard.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual(['wake']);
    heard.length = 0;
  });

  it('tells a lone job change at once, and gathers the changes that follow within the interval into one message', async () => {
    const writer = createPostgresSignals(database.url, { jobsEveryMs: 60_000 });
    const heardAll = async (n: number) => {
      const deadline = Date.now() + 10_000;
      while (heard.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    writer.announceJobs(store.db, new Map([['prj_t', ['job_1']]]));
    // Told at once, not at the end of the minute.
    await heardAll(1);
    expect(heard).toEqual(jobsMessages('prj_t', ['job_1']));
    for (const id of ['job_2', 'job_3', 'job_4']) {
      writer.announceJobs(store.db, new Map([['prj_t', [id]]]));
      await sql`SELECT 1`.execute(store.db);
    }
    // Time for a message sent too early to arrive: the three wait for the interval to end.
    await new Promise((r) => setTimeout(r, 300));
    expect(heard).toHaveLength(1);
    // Closing tells what waits, in one message.
    await writer.close();
    await heardAll(2);
    expect(heard).toEqual([...jobsMessages('prj_t', ['job_1']), ...jobsMessages('prj_t', ['job_2', 'job_3', 'job_4'])]);
    heard.length = 0;
  });

  it('tells of changed jobs after their commit, those of many transactions in few messages, the last ones before closing', async () => {
    const writer = await openStore(database.url);
    const ids = Array.from({ length: 300 }, (_, i) => `job_${String(i).padStart(3, '0')}`);
    // One transaction's jobs at a time, as the jobs service hands them over: the first is sent at
    // once, the others gather while it is in flight.
    for (const id of ids) writer.signals.announceJobs(writer.db, new Map([['prj_x', [id]]]));
    writer.signals.announceJobs(writer.db, new Map([['prj_y', new Set(['job_y'])]]));
    await writer.close();
    const deadline = Date.now() + 10_000;
    const told = () => heard.flatMap((m) => changedJobs(m)?.jobIds.map((id) => `${changedJobs(m)!.projectId}/${id}`) ?? []);
    while (told().length < ids.length + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(told().sort()).toEqual([...ids.map((id) => `prj_x/${id}`), 'prj_y/job_y'].sort());
    // The first job alone, then 299 in two messages (200 ids each at most), and prj_y's.
    expect(heard).toHaveLength(4);
    heard.length = 0;
  });
});
