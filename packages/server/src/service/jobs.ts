import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DestinationSettings } from '../domain/destinations.js';
import { AppError, type FieldIssue } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { nestingIssues } from '../domain/nesting.js';
import type { Job } from '../domain/job.js';
import { compileJobDefinition, type JobDefinition, type JobInput } from '../domain/jobDefinition.js';
import { allows, assertAllowed, editPlansRun, statusAfterEdit, statusWithSchedule, transitions } from '../domain/jobState.js';
import { compileNamePattern } from '../domain/namePattern.js';
import { compileSchedule, firstRunAt, isRecurring } from '../domain/schedule.js';
import type { Store } from '../store/connect.js';
import type { Database, IdempotencyKeyRow, JobOriginRow, JobRow, JobStatus, JobWithNextRun, RunRow, SpaceRow } from '../store/schema.js';
import { listExecutions, listLastAttempts } from '../store/sql/executions.js';
import { claimIdempotencyKey, getIdempotencyKey, idempotencyKeyOfJob, repointIdempotencyKey } from '../store/sql/idempotency.js';
import { deleteJob, getJob, getJobs, insertJobs, type JobFilter, listJobs, lockJobs, updateJob } from '../store/sql/jobs.js';
import { deleteRunsOfJob, insertRuns, scheduledRunsOf } from '../store/sql/runs.js';
import { getSpacesByIds } from '../store/sql/spaces.js';
import { getJobOrigins, saveJobOrigins } from '../store/sql/jobOrigins.js';
import { lockProject } from '../store/sql/accounts.js';
import { decodeExecution, decodeJob, definitionColumns, type JobLinks, jobColumn, newJob, newJobRow, newRunRow, pendingRun } from '../store/rows.js';
import { inTransaction } from '../store/transaction.js';
import type { Page } from './page.js';
import type { PlansService } from './plans.js';
import { type EngineHooks, RunChanges } from './runChanges.js';

export type { EngineHooks } from './runChanges.js';

export interface JobsServiceDeps {
  store: Store;
  engine: EngineHooks;
  plans: Pick<PlansService, 'checkJobs'>;
  checkUrl: (url: string) => string | null;
  /** Whether the operator allowed this URL's host by name or range (KAIROS_ALLOW_TARGETS); none when absent. */
  allowListed?: (url: string) => boolean;
  /** What the operator configured for built-in destinations (Telegram API, email). */
  destinations: DestinationSettings;
  /** Runs due within this window are claimed at once rather than at the next look-ahead. */
  horizonMs: number;
  /** Told of the jobs each committed transaction created, changed or deleted (live streams). */
  jobsChanged?: (projectId: string, jobIds: Iterable<string>) => void;
}

/**
 * What a repeated Idempotency-Key means. `sameRequest` (the native rule): the same request gets
 * the job back, another request under the key is a 409. `keyAlone` (Runner's): the key alone
 * decides; whatever the body, the job made under it is answered while it exists. `untilRun`
 * (Booper's): the job made under the key is answered until it has run; after that the key makes
 * a new job and names it from then on.
 */
export type IdempotencyRule = 'sameRequest' | 'keyAlone' | 'untilRun';

/** How one create differs from the native API's, for a door that speaks another dialect. */
export interface CreateOptions {
  idempotency?: IdempotencyRule;
  /** Every URL of the job must be https, but for hosts the operator allowed (KAIROS_ALLOW_TARGETS). */
  httpsOnly?: boolean;
  /** The inbound webhook whose request this create answers: the job is listed among its requests. */
  inboundWebhookId?: string;
}

/** Where a job stands in its runs: its outstanding scheduled run, and its latest attempt. */
export interface JobProgress {
  job: Job;
  /** The pending scheduled run (or its retry), or null when none is owed. */
  run: { id: string; dueAt: number; attempt: number; leased: boolean; createdAt: number } | null;
  /** The latest recorded attempt, or null before the first. */
  last: { runId: string; status: string; attempt: number; startedAt: number; completedAt: number } | null;
  /** The Idempotency-Key that names the job now (a key moves on to a new job under `untilRun`), or null. */
  idempotencyKey: string | null;
}

/** A change to a job: any field of a create, and `status` to pause or resume it. */
export type JobPatch = Partial<JobInput> & { status?: 'active' | 'paused' };

export const bulkActions = ['pause', 'resume', 'delete', 'move_to_space', 'add_tags', 'remove_tags'] as const;
export type BulkAction = (typeof bulkActions)[number];

export interface BulkRequest {
  jobIds: string[];
  action: BulkAction;
  spaceId?: string;
  tags?: string[];
}

type Trx = Transaction<Database>;

/** One job of an import: what to create, or what to update the job made from it last time into. */
export interface ImportItem {
  /** Its id in the source; with the source, what tells a re-import from a new job. */
  originalId: string;
  input: JobInput;
  status: 'active' | 'paused';
  /** A paused item that its space's pause paused, so that resuming the space resumes it; otherwise the user did. */
  pausedBy?: 'space';
  /** The instant the source would run it next (a Kairos export's), used when still ahead. */
  nextRunAt?: number | null;
  /** `$state` to start from (JSON text), as a Kairos export carries it. */
  state?: string | null;
  /** `$previous` to start from (JSON text), as a Kairos export carries it. */
  previous?: string | null;
  /** A job of this project the item is, when no import made it (a project's own export restored). */
  sameAs?: string;
}

export type ImportOutcome = { outcome: 'created' | 'updated' | 'unchanged'; jobId: string; job: Job } | { error: AppError };

/** Thrown at the end of a dry run's transaction so that nothing it wrote is kept. */
class DryRun extends Error {
  constructor(readonly outcomes: ImportOutcome[]) {
    super('dry run');
  }
}

/** What a PUT leaves of a job's definition before the new one is laid over it. */
const replacedDefinition: JobPatch = { name: undefined, description: null, tags: [], spaceId: null, headers: {}, query: {}, body: undefined, payload: undefined, method: undefined, retryPolicy: undefined, timeoutMs: undefined, storeResponseBody: undefined, followRedirects: undefined, onComplete: null, callbackUrl: null, failureCallbackUrl: null, eventsUrl: null };

/** Thrown inside a create's transaction to roll it back when a concurrent repeat won. */
class RepeatedRequest extends Error {
  constructor(readonly existing: IdempotencyKeyRow) {
    super('repeated request');
  }
}

/** A stored job as the input that would create it again, for merging a change onto it. */
function inputOf(job: Job): JobInput {
  return {
    name: job.name ?? undefined,
    ...(job.destination !== null ? { destination: job.destination } : { url: job.url }),
    method: job.method,
    headers: job.headers,
    query: job.query,
    ...(job.payload !== undefined ? { payload: job.payload } : job.body !== null ? { body: job.body } : {}),
    schedule: job.schedule,
    retryPolicy: job.retryPolicy,
    timeoutMs: job.timeoutMs,
    description: job.description,
    tags: [...job.tags],
    spaceId: job.spaceId,
    storeResponseBody: job.storeResponseBody,
    followRedirects: job.followRedirects,
    onComplete: job.onComplete,
    callbackUrl: job.callbackUrl,
    failureCallbackUrl: job.failureCallbackUrl,
    eventsUrl: job.eventsUrl,
    deliveryStyle: job.deliveryStyle,
  };
}

/** A recurring schedule without its own time zone takes its space's. */
function inheritTimezone(schedule: unknown, space: SpaceRow | undefined): unknown {
  if (!space || typeof schedule !== 'object' || schedule === null) return schedule;
  const s = schedule as Record<string, unknown>;
  if (s.type === 'once' || s.timezone !== undefined) return schedule;
  return { ...s, timezone: space.timezone };
}

/** Jobs read at a time while a name pattern filters a listing. */
const patternBatch = 1_000;

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

export function createJobsService({ store, engine, plans, checkUrl, allowListed, destinations, horizonMs, jobsChanged }: JobsServiceDeps) {
  /** The URL check a create makes under its options. */
  function urlCheckFor(options: CreateOptions): (url: string) => string | null {
    if (!options.httpsOnly) return checkUrl;
    return (url) => (/^http:/i.test(url) && !(allowListed?.(url) ?? false) ? 'must use https' : checkUrl(url));
  }

  /** Runs `work` in one transaction and lets the engines know what it did to runs once it commits. */
  async function transact<T>(now: number, work: (trx: Trx, changes: RunChanges) => Promise<T>): Promise<T> {
    let changes = new RunChanges(now + horizonMs);
    const result = await inTransaction(store, async (trx) => {
      // A retried transaction starts over: what an aborted attempt recorded never happened.
      changes = new RunChanges(now + horizonMs);
      const value = await work(trx, changes);
      await changes.announce(trx, store);
      return value;
    });
    changes.apply(engine);
    if (changes.jobs.size > 0) {
      store.signals.announceJobs(store.db, changes.jobs);
      if (jobsChanged) for (const [projectId, ids] of changes.jobs) jobsChanged(projectId, ids);
    }
    return result;
  }

  async function load(db: Trx | Store['db'], projectId: string, id: string): Promise<JobWithNextRun> {
    const row = await getJob(db, projectId, id);
    if (!row) throw AppError.notFound(`Job ${id}`);
    return row;
  }

  async function spacesFor(trx: Trx, projectId: string, ids: readonly (string | null | undefined)[]): Promise<Map<string, SpaceRow>> {
    const wanted = [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
    return new Map((await getSpacesByIds(trx, store.dialect, projectId, wanted)).map((s) => [s.id, s]));
  }

  /** Validates inputs against the spaces they name; every issue under `<prefix>[i].` when prefixed. */
  function compileAll(inputs: readonly JobInput[], spaces: Map<string, SpaceRow>, now: number, prefix: string, urlCheck = checkUrl): JobDefinition[] {
    const issues: FieldIssue[] = [];
    const defs: JobDefinition[] = [];
    inputs.forEach((input, i) => {
      const at = prefix ? `${prefix}[${i}].` : '';
      const space = input.spaceId ? spaces.get(input.spaceId) : undefined;
      if (input.spaceId && !space) issues.push({ field: `${at}spaceId`, issue: `no space ${input.spaceId} in this project` });
      const compiled = compileJobDefinition({ ...input, schedule: inheritTimezone(input.schedule, space) }, now, urlCheck, undefined, destinations);
      if (!compiled.ok) for (const issue of compiled.issues) issues.push({ field: at + issue.field, issue: issue.issue });
      else defs.push(compiled.value);
    });
    if (issues.length > 0) throw AppError.validation(issues);
    return defs;
  }

  async function insertNew(trx: Trx, changes: RunChanges, projectId: string, defs: readonly JobDefinition[], now: number, links?: JobLinks): Promise<Job[]> {
    const jobs: JobRow[] = [];
    const runs: RunRow[] = [];
    const made = newRows(changes, projectId, defs, now, jobs, runs, links);
    await insertJobs(trx, store.dialect, jobs);
    await insertRuns(trx, store.dialect, runs);
    return made;
  }

  /** The rows of new jobs and their first runs, added to `jobs` and `runs`; their records. */
  function newRows(changes: RunChanges, projectId: string, defs: readonly JobDefinition[], now: number, jobs: JobRow[], runs: RunRow[], links?: JobLinks): Job[] {
    const made: Job[] = [];
    for (const def of defs) {
      const dueAt = firstRunAt(def.schedule, now);
      const job = newJobRow(projectId, def, dueAt !== null, now, links);
      jobs.push(job);
      changes.jobChanged(projectId, job.id);
      if (dueAt !== null) {
        runs.push(newRunRow(job, dueAt, now));
        changes.added(dueAt);
      }
      made.push(newJob(job, dueAt, def));
    }
    return made;
  }

  /** Stops a job's schedule: its pending scheduled run and retries are deleted. */
  async function pauseIn(trx: Trx, changes: RunChanges, job: JobRow, by: 'user' | 'space', now: number): Promise<void> {
    assertAllowed('pause', job.id, job.status);
    changes.removed(await deleteRunsOfJob(trx, job.id, 'schedule'));
    await updateJob(trx, job.id, { status: transitions.pause.to, paused_by: by, updated_at: now });
    changes.jobChanged(job.project_id, job.id);
  }

  /** A recurring job resumes from now; a one-time job keeps its instant (now, if that has passed). */
  async function resumeIn(trx: Trx, changes: RunChanges, job: JobRow, now: number): Promise<void> {
    assertAllowed('resume', job.id, job.status);
    const schedule = jobColumn.schedule(job.schedule);
    const dueAt = isRecurring(schedule) ? firstRunAt(schedule, now) : Math.max(now, schedule.at);
    if (dueAt !== null) {
      await insertRuns(trx, store.dialect, [newRunRow(job, dueAt, now)]);
      changes.added(dueAt);
    }
    await updateJob(trx, job.id, { status: statusWithSchedule(dueAt !== null), paused_by: null, updated_at: now });
    changes.jobChanged(job.project_id, job.id);
  }

  async function removeIn(trx: Trx, changes: RunChanges, projectId: string, id: string): Promise<void> {
    const runIds = await deleteJob(trx, projectId, id);
    if (runIds === null) throw AppError.notFound(`Job ${id}`);
    changes.removed(runIds);
    changes.jobChanged(projectId, id);
  }

  async function patchIn(trx: Trx, changes: RunChanges, current: JobRow, patch: JobPatch, now: number): Promise<void> {
    const { status, ...fields } = patch;
    if (Object.keys(fields).length > 0) {
      const merged = { ...inputOf(decodeJob(current)), ...fields };
      const spaces = await spacesFor(trx, current.project_id, [merged.spaceId]);
      const space = merged.spaceId ? spaces.get(merged.spaceId) : undefined;
      if (merged.spaceId && !space) throw AppError.validation([{ field: 'spaceId', issue: `no space ${merged.spaceId} in this project` }]);
      const newSchedule = fields.schedule !== undefined;
      const compiled = compileJobDefinition(
        { ...merged, schedule: newSchedule ? inheritTimezone(fields.schedule, space) : undefined },
        now,
        checkUrl,
        newSchedule ? undefined : jobColumn.schedule(current.schedule),
        destinations,
      );
      if (!compiled.ok) throw AppError.validation(compiled.issues);
      const def = compiled.value;
      await plans.checkJobs(trx, current.project_id, [def], 0);
      let jobStatus: JobStatus = current.status;
      // What the engine holds was planned from the old definition: replace the pending run.
      const pending = await scheduledRunsOf(trx, current.id);
      changes.removed(await deleteRunsOfJob(trx, current.id, 'schedule'));
      if (editPlansRun(current.status, newSchedule)) {
        const first = pending[0];
        const dueAt = newSchedule || !first ? firstRunAt(def.schedule, now) : first.due_at;
        if (dueAt !== null) {
          const keep = !newSchedule && first ? { attempt: first.attempt, delivery_id: first.delivery_id } : {};
          await insertRuns(trx, store.dialect, [newRunRow(current, dueAt, now, keep)]);
          changes.added(dueAt);
        }
        jobStatus = statusAfterEdit(current.status, dueAt !== null);
      }
      await updateJob(trx, current.id, { ...definitionColumns(def), status: jobStatus, updated_at: now });
      changes.jobChanged(current.project_id, current.id);
      current = { ...current, status: jobStatus, schedule: JSON.stringify(def.schedule) };
    }
    if (status === 'paused' && current.status !== 'paused') await pauseIn(trx, changes, current, 'user', now);
    if (status === 'active' && current.status === 'paused') await resumeIn(trx, changes, current, now);
  }

  async function lock(trx: Trx, projectId: string, id: string): Promise<JobRow> {
    const [job] = await lockJobs(trx, store.dialect, projectId, [id]);
    if (!job) throw AppError.notFound(`Job ${id}`);
    return job;
  }

  /**
   * Single creates that arrive together share one transaction and one commit, as delivery
   * outcomes do: a commit costs far more than the rows it writes. Each create is checked on its
   * own and fails on its own; only a database failure fails them all.
   */
  let pendingCreates: Array<{
    projectId: string;
    input: JobInput;
    urlCheck: (url: string) => string | null;
    links: JobLinks;
    resolve: (job: Job) => void;
    reject: (err: unknown) => void;
  }> = [];
  const maxCreatesTogether = 200;

  function createTogether(projectId: string, input: JobInput, urlCheck = checkUrl, links: JobLinks = {}): Promise<Job> {
    return new Promise((resolve, reject) => {
      pendingCreates.push({ projectId, input, urlCheck, links, resolve, reject });
      if (pendingCreates.length === 1) setImmediate(() => void flushCreates());
    });
  }

  async function flushCreates(): Promise<void> {
    const batch = pendingCreates.slice(0, maxCreatesTogether);
    pendingCreates = pendingCreates.slice(maxCreatesTogether);
    if (pendingCreates.length > 0) setImmediate(() => void flushCreates());
    const now = Date.now();
    try {
      const results = await transact(now, async (trx, changes) => {
        const out: Array<{ job: Job } | { error: AppError }> = [];
        // The batch's rows are written together at the end (one statement per table rather than
        // two per job); jobs gathered so far count against the project's plan as if written.
        const jobs: JobRow[] = [];
        const runs: RunRow[] = [];
        const gathered = new Map<string, number>();
        const write = async () => {
          await insertJobs(trx, store.dialect, jobs.splice(0));
          await insertRuns(trx, store.dialect, runs.splice(0));
          gathered.clear();
        };
        for (const { projectId, input, urlCheck, links } of batch) {
          try {
            const defs = compileAll([input], await spacesFor(trx, projectId, [input.spaceId]), now, '', urlCheck);
            let before = gathered.get(projectId) ?? 0;
            try {
              await plans.checkJobs(trx, projectId, defs, 1 + before);
            } catch (err) {
              if (before === 0 || !(err instanceof AppError)) throw err;
              // Refused with jobs of the batch not yet written: write them and ask again, so the
              // answer (and the count it names) is what creating one by one would have given.
              await write();
              before = 0;
              await plans.checkJobs(trx, projectId, defs, 1);
            }
            const [job] = newRows(changes, projectId, defs, now, jobs, runs, links);
            gathered.set(projectId, before + 1);
            out.push({ job: job! });
          } catch (err) {
            // Refused before anything of it was written: the others go on.
            if (!(err instanceof AppError)) throw err;
            out.push({ error: err });
          }
        }
        await write();
        return out;
      });
      results.forEach((r, i) => ('job' in r ? batch[i]!.resolve(r.job) : batch[i]!.reject(r.error)));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  async function transition(projectId: string, id: string, act: (trx: Trx, changes: RunChanges, job: JobRow, now: number) => Promise<void>): Promise<Job> {
    const now = Date.now();
    return transact(now, async (trx, changes) => {
      await act(trx, changes, await lock(trx, projectId, id), now);
      return decodeJob(await load(trx, projectId, id));
    });
  }

  return {
    /**
     * Several jobs in one transaction, all or nothing: each is validated as a single create, and
     * the fields of an invalid one are named under `jobs[index]`.
     */
    async createMany(projectId: string, inputs: readonly JobInput[]): Promise<Job[]> {
      const now = Date.now();
      return transact(now, async (trx, changes) => {
        const defs = compileAll(inputs, await spacesFor(trx, projectId, inputs.map((i) => i.spaceId)), now, 'jobs');
        await plans.checkJobs(trx, projectId, defs, defs.length);
        return insertNew(trx, changes, projectId, defs, now);
      });
    },

    /**
     * An import: each item is created (validated exactly as a single create, plan included), or,
     * when this source's item made a job before, that job's definition is replaced (or left
     * alone when it is the same as last time). One transaction; an item that is refused is an
     * error of its own and leaves nothing of itself behind, the others go on. A dry run does all
     * of it, then rolls it back, so its answer is what the import would do.
     */
    async importJobs(projectId: string, source: string, items: readonly ImportItem[], { dryRun = false } = {}): Promise<ImportOutcome[]> {
      const now = Date.now();
      try {
        return await transact(now, async (trx, changes) => {
          // Two imports of one source at once would each find no origin and both create: on
          // PostgreSQL they take turns on the project row (SQLite runs one transaction at a time).
          await lockProject(trx, store.dialect, projectId);
          // `pausedBy` only when it is the space, so that the items of imports made before it was read keep their fingerprints.
          const fingerprints = items.map((item) => createHash('sha256').update(canonical({ input: item.input, status: item.status, ...(item.pausedBy ? { pausedBy: item.pausedBy } : {}) })).digest('hex'));
          const origins = new Map((await getJobOrigins(trx, store.dialect, projectId, source, items.map((i) => i.originalId))).map((o) => [o.original_id, o]));
          // Only the jobs that change are locked: locking raises a job's revision, which would drop
          // the next occurrence that an in-flight delivery of an unchanged job is about to write.
          const changing = new Set(items.filter((item, i) => origins.get(item.originalId)?.fingerprint !== fingerprints[i]).map((item) => origins.get(item.originalId)?.job_id ?? item.sameAs));
          const adopted = items.flatMap((item) => (!origins.has(item.originalId) && item.sameAs !== undefined ? [item.sameAs] : []));
          const originJobIds = [...[...origins.values()].map((o) => o.job_id), ...adopted];
          const current = new Map<string, JobRow>([
            ...(await getJobs(trx, store.dialect, projectId, originJobIds.filter((id) => !changing.has(id)))).map((j): [string, JobRow] => [j.id, j]),
            ...(await lockJobs(trx, store.dialect, projectId, originJobIds.filter((id) => changing.has(id)))).map((j): [string, JobRow] => [j.id, j]),
          ]);
          const spaces = await spacesFor(trx, projectId, items.map((item) => item.input.spaceId));
          // New jobs, their first runs and every origin are written together after the loop: an
          // import of thousands of jobs is a few statements, not a few per job.
          const newJobs: JobRow[] = [];
          const newRuns: RunRow[] = [];
          const newOrigins: JobOriginRow[] = [];
          const writeNew = async () => {
            await insertJobs(trx, store.dialect, newJobs.splice(0));
            await insertRuns(trx, store.dialect, newRuns.splice(0));
          };
          const seen = new Set<string>();
          const outcomes: ImportOutcome[] = [];
          for (const [i, item] of items.entries()) {
            try {
              if (seen.has(item.originalId)) throw new AppError('conflict', `${item.originalId} appears more than once in the source`);
              seen.add(item.originalId);
              const fingerprint = fingerprints[i]!;
              const origin = origins.get(item.originalId);
              const job = current.get(origin?.job_id ?? item.sameAs ?? '');
              let made: Job;
              let jobId: string;
              let outcome: 'created' | 'updated';
              if (job && origin?.fingerprint === fingerprint) {
                // Unchanged jobs are read, not locked (above), so the row carries its next run.
                outcomes.push({ outcome: 'unchanged', jobId: job.id, job: decodeJob(job) });
                continue;
              }
              if (job) {
                // The same schedule is left out of the change, so the pending run keeps its instant
                // (an interval's grid does not move because a header changed).
                const schedule = compileSchedule(inheritTimezone(item.input.schedule, spaces.get(item.input.spaceId ?? '')), now);
                const sameSchedule = schedule.ok && canonical(schedule.value) === canonical(jobColumn.schedule(job.schedule));
                const { schedule: _given, ...rest } = item.input;
                await patchIn(trx, changes, { ...job, body: null, payload: null }, { ...replacedDefinition, ...(sameSchedule ? rest : item.input) }, now);
                const after = await lock(trx, projectId, job.id);
                const pausedBy = item.pausedBy ?? 'user';
                if (item.status === 'paused' && after.status === 'active') await pauseIn(trx, changes, after, pausedBy, now);
                if (item.status === 'paused' && after.status === 'paused' && after.paused_by !== pausedBy) await updateJob(trx, job.id, { paused_by: pausedBy, updated_at: now });
                if (item.status === 'active' && after.status === 'paused') await resumeIn(trx, changes, after, now);
                const updated = await load(trx, projectId, job.id);
                made = decodeJob(updated);
                jobId = job.id;
                outcome = 'updated';
              } else {
                const defs = compileAll([item.input], spaces, now, '');
                // The jobs made so far are not written yet: they count against the plan all the same.
                try {
                  await plans.checkJobs(trx, projectId, defs, newJobs.length + 1);
                } catch (err) {
                  if (!(err instanceof AppError) || err.code !== 'max_jobs_exceeded' || newJobs.length === 0) throw err;
                  // Written, they are counted where the refusal says how many the project has.
                  await writeNew();
                  await plans.checkJobs(trx, projectId, defs, 1);
                }
                const def = defs[0]!;
                const first = firstRunAt(def.schedule, now);
                const dueAt = first !== null && item.nextRunAt != null && item.nextRunAt > now ? item.nextRunAt : first;
                const row = newJobRow(projectId, def, dueAt !== null, now);
                // Set on every row, so the rows written together have the same columns.
                row.state = item.state ?? null;
                row.previous_result = item.previous ?? null;
                if (item.status === 'paused' && dueAt !== null) Object.assign(row, { status: 'paused', paused_by: item.pausedBy ?? 'user' });
                newJobs.push(row);
                if (dueAt !== null && row.status === 'active') {
                  newRuns.push(newRunRow(row, dueAt, now));
                  changes.added(dueAt);
                }
                made = newJob(row, dueAt !== null && row.status === 'active' ? dueAt : null, def);
                jobId = row.id;
                outcome = 'created';
              }
              newOrigins.push({ project_id: projectId, source, original_id: item.originalId, job_id: jobId, fingerprint, created_at: now, updated_at: now });
              outcomes.push({ outcome, jobId, job: made });
            } catch (err) {
              if (!(err instanceof AppError)) throw err;
              outcomes.push({ error: err });
            }
          }
          await writeNew();
          await saveJobOrigins(trx, newOrigins);
          if (dryRun) throw new DryRun(outcomes);
          return outcomes;
        });
      } catch (err) {
        if (err instanceof DryRun) return err.outcomes;
        throw err;
      }
    },

    /**
     * One job. With an idempotency key, a repeat of the same request returns the job the first
     * one made (`created: false`), also when the two race; what another request under the same
     * key gets depends on `options.idempotency` (a 409 by default, see {@link IdempotencyRule}).
     */
    async create(projectId: string, input: JobInput, idempotencyKey?: string, options: CreateOptions = {}): Promise<{ job: Job; created: boolean }> {
      const now = Date.now();
      const rule = options.idempotency ?? 'sameRequest';
      const urlCheck = urlCheckFor(options);
      const links: JobLinks = options.inboundWebhookId === undefined ? {} : { inboundWebhookId: options.inboundWebhookId };
      // Hashing walks the input recursively: too deep a one is refused first, as the definition would be.
      const tooDeep = idempotencyKey === undefined ? [] : nestingIssues(input);
      if (tooDeep.length > 0) throw AppError.validation(tooDeep);
      const requestHash = idempotencyKey === undefined ? '' : createHash('sha256').update(canonical(input)).digest('hex');
      /** The answer a recorded key gives, or null when the key is free to make a new job. */
      const repeat = async (existing: IdempotencyKeyRow): Promise<{ job: Job; created: boolean } | null> => {
        if (rule === 'sameRequest' && existing.request_hash !== requestHash) {
          throw new AppError('conflict', 'This Idempotency-Key was used for a different request; use a new key for a new job.', [{ field: 'Idempotency-Key', issue: 'was used with another body' }]);
        }
        const job = await getJob(store.db, projectId, existing.job_id);
        if (job && (rule !== 'untilRun' || (job.last_run_at === null && (job.status === 'active' || job.status === 'paused')))) return { job: decodeJob(job), created: false };
        if (rule !== 'sameRequest') return null;
        throw new AppError('conflict', 'The job made under this Idempotency-Key has been deleted; use a new key.', [{ field: 'Idempotency-Key', issue: 'its job was deleted' }]);
      };
      if (idempotencyKey === undefined) return { job: await createTogether(projectId, input, urlCheck, links), created: true };
      const earlier = await getIdempotencyKey(store.db, projectId, idempotencyKey);
      if (earlier) {
        const answer = await repeat(earlier);
        if (answer) return answer;
      }
      try {
        return await transact(now, async (trx, changes) => {
          const defs = compileAll([input], await spacesFor(trx, projectId, [input.spaceId]), now, '', urlCheck);
          await plans.checkJobs(trx, projectId, defs, 1);
          const [job] = await insertNew(trx, changes, projectId, defs, now, links);
          const row = { project_id: projectId, key: idempotencyKey, request_hash: requestHash, job_id: job!.id, created_at: now };
          // The key's job is gone or has run: the key names the new job, unless another request moved it first.
          const raced = earlier ? await repointIdempotencyKey(trx, row, earlier.job_id) : await claimIdempotencyKey(trx, row);
          // Another request with this key committed first: roll this job back and answer with that one.
          if (raced) throw new RepeatedRequest(raced);
          return { job: job!, created: true };
        });
      } catch (err) {
        if (!(err instanceof RepeatedRequest)) throw err;
        const job = await getJob(store.db, projectId, err.existing.job_id);
        if (rule === 'sameRequest' || !job) {
          const answer = await repeat(err.existing);
          if (answer) return answer;
          throw new AppError('conflict', 'Another request under this Idempotency-Key is being handled; retry.', [{ field: 'Idempotency-Key', issue: 'is in use' }]);
        }
        // The request that won made the job this key names now: that is the answer.
        return { job: decodeJob(job), created: false };
      }
    },

    /** A job with its outstanding scheduled run and latest attempt: what a run-centred dialect shows. */
    async progress(projectId: string, id: string): Promise<JobProgress> {
      const row = await load(store.db, projectId, id);
      const [run] = await scheduledRunsOf(store.db, row.id);
      const { rows } = await listExecutions(store.db, projectId, { jobId: row.id }, 0, 1);
      const e = rows[0];
      const key = await idempotencyKeyOfJob(store.db, projectId, row.id);
      return {
        job: decodeJob(row),
        idempotencyKey: key ?? null,
        run: run ? { id: run.id, dueAt: run.due_at, attempt: run.attempt, leased: run.lease_owner !== null, createdAt: run.created_at } : null,
        last: e ? { runId: e.run_id, status: e.status, attempt: e.attempt, startedAt: e.started_at, completedAt: e.completed_at } : null,
      };
    },

    async get(projectId: string, id: string): Promise<Job> {
      return decodeJob(await load(store.db, projectId, id));
    },

    /**
     * Newest first. `namePattern` is a case-insensitive regular expression on the name
     * (domain/namePattern.ts), matched here rather than in SQL so that SQLite and PostgreSQL agree
     * on it; the other filters narrow the rows read, a batch at a time.
     */
    async list(projectId: string, filter: JobFilter & { namePattern?: string }, { page, perPage }: Page) {
      const { namePattern, ...rest } = filter;
      if (namePattern === undefined) {
        const { rows, total } = await listJobs(store.db, projectId, rest, (page - 1) * perPage, perPage);
        return { items: rows.map((row) => decodeJob(row)), total };
      }
      const matches = compileNamePattern(namePattern);
      const from = (page - 1) * perPage;
      const items: Job[] = [];
      let total = 0;
      for (let offset = 0; ; offset += patternBatch) {
        const { rows } = await listJobs(store.db, projectId, rest, offset, patternBatch);
        for (const row of rows) {
          if (!matches(row.name ?? '')) continue;
          if (total >= from && items.length < perPage) items.push(decodeJob(row));
          total++;
        }
        if (rows.length < patternBatch) break;
      }
      return { items, total };
    },

    /** PATCH merges the change onto the job; PUT (`replace`) takes the body as the whole definition. */
    async update(projectId: string, id: string, patch: JobPatch, replace = false): Promise<Job> {
      return transition(projectId, id, async (trx, changes, job, now) => {
        const base: JobPatch = replace ? { ...replacedDefinition } : {};
        if (!replace && (patch.body !== undefined || patch.payload !== undefined)) {
          // A new body replaces the old one, whichever of the two kinds it was.
          base.body = undefined;
          base.payload = undefined;
        }
        // A URL replaces a destination and a destination a URL.
        if (patch.url !== undefined) base.destination = undefined;
        if (patch.destination !== undefined) Object.assign(base, { url: undefined, method: undefined, headers: {}, query: {}, body: undefined });
        await patchIn(trx, changes, replace ? { ...job, body: null, payload: null } : job, { ...base, ...patch }, now);
      });
    },

    pause: (projectId: string, id: string) => transition(projectId, id, (trx, changes, job, now) => pauseIn(trx, changes, job, 'user', now)),
    resume: (projectId: string, id: string) => transition(projectId, id, resumeIn),

    async cancel(projectId: string, id: string): Promise<Job> {
      return transition(projectId, id, async (trx, changes, job, now) => {
        assertAllowed('cancel', id, job.status);
        changes.removed(await deleteRunsOfJob(trx, job.id));
        await updateJob(trx, job.id, { status: transitions.cancel.to, paused_by: null, updated_at: now });
        changes.jobChanged(projectId, job.id);
      });
    },

    async remove(projectId: string, id: string): Promise<void> {
      await transact(Date.now(), (trx, changes) => removeIn(trx, changes, projectId, id));
    },

    /**
     * An extra run now with the job's configuration, outside its schedule (paused jobs too). This
     * node delivers it; with `wait`, resolves once its first attempt is recorded.
     */
    async runNow(projectId: string, id: string, wait: boolean) {
      const now = Date.now();
      const { run, job } = await transact(now, async (trx) => {
        // Not a change to the job: no lock, so its schedule goes on undisturbed.
        const job = await load(trx, projectId, id);
        const run = newRunRow(job, now, now, { triggered_by: 'manual', lease_owner: engine.nodeId, lease_until: now + 60_000 });
        await insertRuns(trx, store.dialect, [run]);
        return { run, job };
      });
      engine.deliver(run, job);
      const pending = pendingRun(run);
      if (!wait) return { done: false as const, pending };
      const execution = await engine.firstExecution(run.id, job.timeout_ms + 10_000);
      return execution ? { done: true as const, execution: decodeExecution(execution) } : { done: false as const, pending };
    },

    async executions(projectId: string, jobId: string, { page, perPage }: Page) {
      await load(store.db, projectId, jobId);
      const { rows, total } = await listExecutions(store.db, projectId, { jobId }, (page - 1) * perPage, perPage);
      return { items: rows.map(decodeExecution), total };
    },

    /** A job's runs, newest first, each as its last attempt so far. */
    async runOutcomes(projectId: string, jobId: string, { page, perPage }: Page) {
      await load(store.db, projectId, jobId);
      const { rows, total } = await listLastAttempts(store.db, projectId, jobId, (page - 1) * perPage, perPage);
      return { items: rows.map(decodeExecution), total };
    },

    /** One action on up to 100 jobs; each succeeds or fails on its own. */
    async bulk(projectId: string, request: BulkRequest) {
      const now = Date.now();
      const errors: Array<{ jobId: string; code: string; message: string }> = [];
      let succeeded = 0;
      if (request.action === 'move_to_space' && !request.spaceId) throw AppError.validation([{ field: 'spaceId', issue: 'is required for move_to_space' }]);
      if ((request.action === 'add_tags' || request.action === 'remove_tags') && !request.tags?.length) {
        throw AppError.validation([{ field: 'tags', issue: `is required for ${request.action}` }]);
      }
      await transact(now, async (trx, changes) => {
        if (request.spaceId && request.action === 'move_to_space' && (await spacesFor(trx, projectId, [request.spaceId])).size === 0) {
          throw AppError.validation([{ field: 'spaceId', issue: `no space ${request.spaceId} in this project` }]);
        }
        // Pausing, resuming and deleting replace the job's runs, so they lock it (raising its
        // revision); tags and spaces leave the schedule alone.
        const replacesRuns = request.action === 'pause' || request.action === 'resume' || request.action === 'delete';
        const found = replacesRuns ? await lockJobs(trx, store.dialect, projectId, request.jobIds) : await getJobs(trx, store.dialect, projectId, request.jobIds);
        const jobs = new Map<string, JobRow>(found.map((j) => [j.id, j]));
        for (const jobId of new Set(request.jobIds)) {
          const job = jobs.get(jobId);
          try {
            if (!job) throw AppError.notFound(`Job ${jobId}`);
            switch (request.action) {
              case 'pause':
                await pauseIn(trx, changes, job, 'user', now);
                break;
              case 'resume':
                await resumeIn(trx, changes, job, now);
                break;
              case 'delete':
                await removeIn(trx, changes, projectId, jobId);
                break;
              case 'move_to_space':
                await updateJob(trx, jobId, { space_id: request.spaceId!, updated_at: now });
                changes.jobChanged(projectId, jobId);
                break;
              case 'add_tags':
              case 'remove_tags': {
                const tags = new Set(jobColumn.tags(job.tags));
                for (const t of request.tags!) request.action === 'add_tags' ? tags.add(t) : tags.delete(t);
                if (tags.size > 20) throw AppError.validation([{ field: 'tags', issue: 'a job has at most 20 tags' }]);
                await updateJob(trx, jobId, { tags: JSON.stringify([...tags]), updated_at: now });
                changes.jobChanged(projectId, jobId);
                break;
              }
            }
            succeeded++;
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            errors.push({ jobId, code: err.code, message: err.message });
          }
        }
      });
      return { succeeded, failed: errors.length, errors };
    },

    /** For spaces: pause every active job in a space, or resume those the space paused. */
    async pauseOrResumeMany(projectId: string, jobIds: readonly string[], action: 'pause' | 'resume', by: 'user' | 'space'): Promise<number> {
      const now = Date.now();
      return transact(now, async (trx, changes) => {
        let n = 0;
        for (const job of await lockJobs(trx, store.dialect, projectId, jobIds)) {
          if (!allows(action, job.status)) continue;
          if (action === 'pause') await pauseIn(trx, changes, job, by, now);
          else await resumeIn(trx, changes, job, now);
          n++;
        }
        return n;
      });
    },
  };
}

export type JobsService = ReturnType<typeof createJobsService>;
