import type { Logger } from 'pino';
import type { EngineTuning } from '../config.js';
import type { Job } from '../domain/job.js';
import { newId } from '../domain/ids.js';
import { nextRunAfter } from '../domain/schedule.js';
import type { EmailDelivery } from '../delivery/email.js';
import type { DeliveryRequest, DeliveryResult, HttpDelivery } from '../delivery/httpDelivery.js';
import type { Store } from '../store/connect.js';
import type { ExecutionRow, ExecutionStatus, JobRow, RunRow } from '../store/schema.js';
import { releaseAllLeases, releaseLeases, releaseOwnedLeases, renewLeases } from '../store/sql/leases.js';
import { releaseAllMessageLeases } from '../store/sql/outbox.js';
import { newRunRow } from '../store/rows.js';
import { forgottenRuns, type SignalMessage } from '../store/signals.js';
import { decideOutcome, type QuotaRefusal } from './decideOutcome.js';
import type { QuotaGate } from './quotaGate.js';
import { Dispatcher, type Verdict } from './dispatcher.js';
import { type HeldRun, type JobPlan, planJobOrFailure, requestFor } from './jobPlan.js';
import { type AlertSender, MessageSender } from './messageSender.js';
import { type EngineSql, openEngineSql } from './engineSql.js';
import { type EffectJob, effectJobOf } from './outcomeEffects.js';
import { OutcomeWriter, type Written } from './outcomeWriter.js';
import { ProjectGate } from './projectGate.js';
import { MinHeap } from './runHeap.js';
import { SigningKeys } from './signingKeys.js';

export interface EngineDeps {
  store: Store;
  delivery: HttpDelivery;
  /** Sends the messages of email destinations. */
  email: EmailDelivery;
  /** Telegram's Bot API base, for planning Telegram destinations. */
  telegramApiUrl: string;
  /** `$job` of dynamic payloads (domain/jobVariable.ts), given by main.ts so that tests can make it fail. */
  jobVariable(job: Job): unknown;
  tuning: EngineTuning;
  logger: Logger;
  userAgent: string;
  quota: QuotaGate;
  /** Told of every attempt and every claim, e.g. for metrics; must be cheap and must not throw. */
  observer?: EngineObserver;
  /** Sends alert notices from the outbox to their channels. */
  sendAlert?: AlertSender;
  /** The base of job links in alert notices (see `jobLinkBase`): null when they link nowhere. */
  publicUrl?: string | null;
  /** Told, once they are committed, which projects' attempts were just recorded (live streams); must be cheap. */
  recorded?: (projectIds: ReadonlySet<string>) => void;
}

/** What the engine calls out to on every attempt, which a test may wrap to make it fail. */
export type EngineSeams = Pick<EngineDeps, 'delivery' | 'jobVariable' | 'observer'>;

/** What the engine reports as it works; `latenessMs` is the attempt's start minus its due instant. */
export interface EngineObserver {
  executed(status: ExecutionStatus, durationMs: number, latenessMs: number): void;
  claimed(count: number): void;
}

/** Figures the engine exposes for health checks, metrics and tests. */
export interface EngineStats {
  nodeId: string;
  held: number;
  waiting: number;
  inFlight: number;
  unwritten: number;
}

/**
 * Claims due runs with a lease, holds those due within the horizon in a timer heap, fires each
 * at its instant under the dispatcher's bounds, and hands results to the group-commit writer.
 * The database is the truth: whatever this process holds, it holds under a lease that lapses
 * back to pending if the process dies.
 */
export class Engine {
  readonly nodeId = newId('node', Date.now());
  private readonly heap = new MinHeap<HeldRun>();
  private readonly held = new Map<string, HeldRun>();
  private readonly dispatcher: Dispatcher<HeldRun>;
  private readonly projectGate: ProjectGate<HeldRun>;
  private readonly writer: OutcomeWriter<HeldRun>;
  private readonly sql: EngineSql;
  private readonly signing = new SigningKeys();
  private readonly messages: MessageSender;
  /** Callers of a manual run with `wait`, by run id, until its first attempt is written. */
  private readonly waiters = new Map<string, (execution: ExecutionRow) => void>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private pollTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private claiming = false;
  private claimAgain = false;
  private claimQueued = false;
  private stopping = false;
  /** The last claim filled its batch: more runs may be due than this node holds. */
  private moreDue = true;

  constructor(private readonly deps: EngineDeps) {
    const t = deps.tuning;
    this.dispatcher = new Dispatcher(t.globalConcurrency, t.perOriginConcurrency, (h) => this.attempt(h));
    this.projectGate = new ProjectGate((h) => this.dispatcher.push(h.job.origin, h));
    this.sql = openEngineSql(deps.store, { publicUrl: deps.publicUrl ?? null, planning: deps }, deps.logger);
    // The SQL thread takes a copy of each job's few fields that effects need: made once a plan.
    const effectJobs = new WeakMap<JobPlan, EffectJob>();
    const jobOf = (h: HeldRun) => {
      let job = effectJobs.get(h.job);
      if (!job) effectJobs.set(h.job, (job = effectJobOf(h.job)));
      return job;
    };
    this.writer = new OutcomeWriter(this.sql, deps.logger, (written) => this.written(written), jobOf, writerDelayMs);
    this.messages = new MessageSender({
      store: deps.store,
      delivery: deps.delivery,
      logger: deps.logger,
      userAgent: deps.userAgent,
      signing: this.signing,
      nodeId: this.nodeId,
      pollMs: t.pollMs,
      retryMs: t.messageRetryMs,
      sendAlert: deps.sendAlert,
    });
  }

  stats(): EngineStats {
    return {
      nodeId: this.nodeId,
      held: this.held.size,
      waiting: this.heap.size + this.projectGate.waiting + this.dispatcher.waiting,
      inFlight: this.dispatcher.inFlight,
      unwritten: this.writer.pending,
    };
  }

  async start(): Promise<void> {
    const { store, tuning, logger } = this.deps;
    if (store.exclusive) {
      // This process owns the database: leases left behind belong to a process that is gone.
      const taken = await releaseAllLeases(store.db);
      if (taken > 0) logger.info({ runs: taken }, 'took back runs leased by a previous process');
      await releaseAllMessageLeases(store.db);
    }
    store.signals.subscribe((m) => this.onSignal(m));
    this.pollTimer = setInterval(() => this.claimSoon(), tuning.pollMs);
    this.renewTimer = setInterval(() => void this.renew(), this.renewEveryMs);
    this.pollTimer.unref();
    this.renewTimer.unref();
    this.claimSoon();
    this.messages.start();
  }

  /** Runs became due within the horizon (a job was created or changed): claim them now. */
  wake(): void {
    this.claimSoon();
  }

  /**
   * Runs were deleted (their job was paused, changed, cancelled or deleted): drop those this node
   * holds. One in flight finishes; its outcome finds no run to update.
   */
  forgetRuns(runIds: readonly string[]): void {
    for (const id of runIds) this.held.delete(id);
  }

  /**
   * Delivers a run this node has just written with its own lease (a manual run or a replay) at
   * its instant, without waiting for a claim.
   */
  deliver(run: RunRow, job: JobRow): void {
    if (this.stopping) return;
    const held = { dueAt: run.due_at, run, job: planJobOrFailure(job, this.deps) };
    // Counters first, so the quota holds for manual runs too; a failed read lets it through.
    this.deps.quota.refresh(this.deps.store.db, this.deps.store.dialect, [job.project_id], Date.now()).then(
      () => this.hold(held),
      () => this.hold(held),
    ).finally(() => this.arm());
  }

  /** A project's signing secrets changed: its next delivery reads them again. */
  signingKeysChanged(projectId: string): void {
    this.signing.forget(projectId);
  }

  /** The first attempt of a run this node delivers, once written; undefined after `timeoutMs`. */
  firstExecution(runId: string, timeoutMs: number): Promise<ExecutionRow | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(runId);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.set(runId, (execution) => {
        clearTimeout(timer);
        this.waiters.delete(runId);
        resolve(execution);
      });
    });
  }

  private onSignal(message: SignalMessage): void {
    if (message === 'wake') this.claimSoon();
    else {
      const runIds = forgottenRuns(message);
      if (runIds) this.forgetRuns(runIds);
    }
  }

  private claimSoon(): void {
    if (this.stopping || this.claimQueued) return;
    this.claimQueued = true;
    // Coalesces the wakes of one event-loop turn (a burst of creates) into one claim.
    setImmediate(() => {
      this.claimQueued = false;
      void this.claim();
    });
  }

  private async claim(): Promise<void> {
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = true;
    const { tuning, logger } = this.deps;
    try {
      for (let round = 0; round < 100 && !this.stopping; round++) {
        const room = Math.min(tuning.maxHeld - (this.held.size - this.dispatcher.waitingOnBusyOrigins), tuning.maxHeldHard - this.held.size);
        if (room <= 0) break;
        // The dialect may bound a claim further (on SQLite it holds the thread it runs on).
        const limit = Math.min(room, tuning.claimBatch, this.deps.store.dialect.maxClaimBatch);
        const now = Date.now();
        const { claimed, total } = await this.sql.claim({ owner: this.nodeId, now, dueBefore: now + tuning.horizonMs, leaseUntil: now + tuning.leaseMs, limit });
        // Stopped while the claim was made: its leases are given back with the rest of this node's.
        if (this.stopping) break;
        if (total > 0) this.deps.observer?.claimed(total);
        if (claimed.length > 0) {
          const projectIds = claimed.map((h) => h.job.projectId);
          await Promise.all([this.deps.quota.refresh(this.deps.store.db, this.deps.store.dialect, projectIds, now), this.signing.refresh(this.deps.store.db, this.deps.store.dialect, projectIds, now)]);
        }
        for (const h of claimed) this.hold(h);
        this.arm();
        // A short batch means nothing more is due within the horizon: until the next look-ahead
        // or wake-up, finished deliveries need not trigger claims.
        this.moreDue = total === limit;
        if (total < limit) break;
        await yieldToLoop();
      }
    } catch (err) {
      // A claim that met the closing SQL thread is no failure: the node is stopping.
      if (!this.stopping) logger.warn({ err }, 'claiming due runs failed; will try again');
    } finally {
      this.claiming = false;
      if (this.claimAgain) {
        this.claimAgain = false;
        this.claimSoon();
      }
    }
  }

  private hold(h: HeldRun): void {
    if (this.held.has(h.run.id)) return;
    this.held.set(h.run.id, h);
    this.heap.push(h);
  }

  private arm(): void {
    const top = this.heap.peek();
    if (!top || top.dueAt >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = top.dueAt;
    this.timer = setTimeout(this.fire, Math.max(0, top.dueAt - Date.now()));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    let fired = 0;
    for (let top = this.heap.peek(); top && top.dueAt <= now && fired < fireSlice; top = this.heap.peek()) {
      this.heap.pop();
      fired++;
      // Forgotten while it waited: its row is gone.
      if (this.held.get(top.run.id) !== top) continue;
      if (top.job.recurring && top.run.triggered_by === 'schedule' && top.run.attempt === 1) this.scheduleNext(top, now);
      this.projectGate.push(top.job.projectId, this.deps.quota.concurrencyOf(top.job.projectId), top);
    }
    this.arm();
    // Fired runs that queue behind a busy origin no longer count against the claim bound.
    if (this.moreDue) this.claimSoon();
  };

  /**
   * A recurring job keeps exactly one pending occurrence: when one fires, its successor is
   * written (in the next group commit), computed from the schedule, not from delivery time.
   * After downtime the successor lies after `now`, so missed occurrences collapse into one.
   */
  private scheduleNext(fired: HeldRun, now: number): void {
    let dueAt: number | null;
    try {
      dueAt = nextRunAfter(fired.job.schedule, fired.run.due_at, now);
    } catch (err) {
      // Thrown in the timer that fires runs, it would stop every run due after it: this one is
      // delivered, and the job, which has no next occurrence, says why in the log.
      this.deps.logger.error({ err, jobId: fired.job.id }, 'the next occurrence of a recurring job could not be computed');
      return;
    }
    if (dueAt === null) return;
    const { horizonMs, leaseMs } = this.deps.tuning;
    const soon = dueAt <= now + horizonMs;
    const run = newRunRow({ id: fired.job.id, project_id: fired.job.projectId }, dueAt, now, soon ? { lease_owner: this.nodeId, lease_until: now + leaseMs } : undefined);
    this.writer.addRun(run, fired.job.revision, { dueAt, run, job: fired.job });
  }

  /**
   * One attempt of a held run. Nothing thrown here may hold the run or a slot: a throw while the
   * request is prepared or sent becomes a failed attempt with its error (retried per the job's
   * policy), one while its outcome is decided is recorded as such, and the project's slot is
   * freed whatever happens (the dispatcher frees its own when this settles).
   */
  private async attempt(held: HeldRun): Promise<Verdict> {
    let result: DeliveryResult | QuotaRefusal;
    let request: DeliveryRequest | undefined;
    const executionId = newId('exe', Date.now());
    let started = Date.now();
    try {
      const keys = this.signing.get(held.job.projectId, started) ?? (await this.staleSigningKeys(held.job.projectId));
      started = Date.now();
      if (held.job.planError !== null) throw new Error(held.job.planError);
      request = requestFor(held, started, executionId, keys, held.job.style === 'runner' ? this.signing.newestText(held.job.projectId) : null);
      if (!this.deps.quota.admit(held.job.projectId, started)) {
        result = { outcome: 'quota_exceeded', statusCode: null, headers: null, body: null, error: 'not delivered: the project has used the runs its plan allows for today or this month', startedAt: started, durationMs: 0 };
      } else {
        const { job, run } = held;
        result = job.channel === 'email' ? await this.deps.email.send(job.email!, { deliveryId: run.delivery_id, timeoutMs: job.timeoutMs }) : await this.deps.delivery.deliver(request);
      }
    } catch (err) {
      result = failedResult(request === undefined ? `the request could not be prepared: ${errorText(err)}` : errorText(err), started);
    } finally {
      this.projectGate.done(held.job.projectId);
    }
    try {
      this.record(held, request, result, executionId);
    } catch (err) {
      // What the result held could not be recorded (a response the outcome cannot be made of):
      // the attempt is recorded as failed with that error, without it.
      try {
        this.record(held, request, failedResult(`the outcome could not be recorded: ${errorText(err)}`, result.startedAt), executionId);
      } catch (again) {
        // Not even that: the run is let go, so its lease lapses and a claim delivers it again.
        this.held.delete(held.run.id);
        this.deps.logger.error({ err: again, jobId: held.job.id, runId: held.run.id }, 'the outcome of a delivery could not be recorded; the run is delivered again once its lease lapses');
      }
    }
    return result.outcome === 'timeout' ? 'timedOut' : 'answered';
  }

  private record(held: HeldRun, request: DeliveryRequest | undefined, result: DeliveryResult | QuotaRefusal, executionId: string): void {
    const now = Date.now();
    const { horizonMs, leaseMs } = this.deps.tuning;
    const outcome = decideOutcome(held, request ?? unpreparedRequest(held), result, {
      now,
      nodeId: this.nodeId,
      horizonEnd: this.stopping ? -Infinity : now + horizonMs,
      leaseUntil: now + leaseMs,
      executionId,
    });
    // Later runs of the job held here see what this one set, as runs claimed later read it from the row.
    if (outcome.job.state !== undefined) held.job.state = outcome.job.state;
    if (outcome.job.previousResult !== undefined) held.job.previousResult = outcome.job.previousResult;
    const { status } = outcome.execution;
    if (status === 'success') {
      if (this.deps.logger.levelVal <= debugLevel) this.deps.logger.debug({ jobId: held.job.id, runId: held.run.id, attempt: held.run.attempt, statusCode: result.statusCode }, 'delivered');
    } else {
      this.deps.logger.info({ jobId: held.job.id, runId: held.run.id, attempt: held.run.attempt, status, statusCode: result.statusCode, error: outcome.execution.error }, 'delivery failed');
    }
    this.writer.addOutcome(outcome, held);
    // An observer that throws must not lose the outcome, which is already on its way.
    try {
      this.deps.observer?.executed(status, result.durationMs, result.startedAt - held.run.due_at);
    } catch (err) {
      this.deps.logger.warn({ err }, 'the engine observer failed');
    }
  }

  /**
   * The project's live signing keys when they are not fresh in memory. Keys read before are used
   * while they are read again in the background (a query per project every couple of seconds,
   * never one a delivery waits on, even while the database hangs); only a project never read, or
   * whose secrets this node changed, waits for the read. When that read fails, it is unsigned.
   */
  private async staleSigningKeys(projectId: string): Promise<readonly Buffer[]> {
    const refresh = this.signing.refresh(this.deps.store.db, this.deps.store.dialect, [projectId], Date.now()).catch((err: unknown) => {
      this.deps.logger.warn({ err, projectId }, 'could not read signing secrets; using those last read');
    });
    const known = this.signing.lastKnown(projectId);
    if (known) return known;
    await refresh;
    return this.signing.lastKnown(projectId) ?? [];
  }

  private written({ outcomes, runs, effects }: Written<HeldRun>): void {
    if (effects.messages) this.messages.wake();
    if (this.deps.recorded && outcomes.length > 0) this.deps.recorded(new Set(outcomes.map((o) => o.outcome.execution.project_id)));
    for (const { run, context } of runs) {
      if (run.lease_owner === this.nodeId && !this.stopping) this.hold(context);
    }
    for (const { outcome, context: held } of outcomes) {
      this.waiters.get(held.run.id)?.(outcome.execution);
      const change = outcome.run;
      if (this.held.get(held.run.id) !== held) continue;
      if (change.kind === 'retry' && change.leaseOwner === this.nodeId && !this.stopping) {
        held.run = { ...held.run, attempt: change.attempt, due_at: change.dueAt };
        held.dueAt = change.dueAt;
        this.heap.push(held);
      } else {
        this.held.delete(held.run.id);
      }
    }
    this.arm();
    // Follow-up jobs are due at once.
    if (effects.followUpJobs || (this.moreDue && this.held.size < this.deps.tuning.maxHeld / 2)) this.claimSoon();
  }

  private get renewEveryMs(): number {
    return Math.max(100, Math.floor(this.deps.tuning.leaseMs / 3));
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0 || this.stopping) return;
    const { store, tuning } = this.deps;
    try {
      const now = Date.now();
      const leaseUntil = now + tuning.leaseMs;
      // A lease that outlasts two more renewal periods is renewed next time (a burst claimed
      // a moment ago needs none): every lease still has at least a period left when renewed.
      const due = now + 2 * this.renewEveryMs;
      const renewing: HeldRun[] = [];
      for (const h of this.held.values()) if ((h.leaseUntil ?? h.run.lease_until ?? 0) < due) renewing.push(h);
      const ids = renewing.map((h) => h.run.id);
      // In slices, with the event loop free between them: on SQLite a renewal holds the loop,
      // and tens of thousands of runs at once would make every delivery due meanwhile late.
      for (let i = 0; i < ids.length; i += renewSlice) {
        const part = ids.slice(i, i + renewSlice);
        await renewLeases(store.db, store.dialect, this.nodeId, part, leaseUntil);
        for (let j = i; j < i + part.length; j++) renewing[j]!.leaseUntil = leaseUntil;
        if (i + renewSlice < ids.length) await yieldToLoop();
      }
    } catch (err) {
      this.deps.logger.warn({ err }, 'could not renew leases; will try again');
    }
  }

  /**
   * Stops claiming, gives back runs that have not started, lets deliveries in flight finish
   * within the grace period and writes their outcomes. Whatever is left is released and will be
   * delivered again (with the same delivery id) by whoever claims it next.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const { store, tuning, logger } = this.deps;
    clearInterval(this.pollTimer);
    if (this.timer) clearTimeout(this.timer);
    const unstarted = [...this.heap.drain(), ...this.projectGate.drain(), ...this.dispatcher.drainWaiting()];
    for (const h of unstarted) this.held.delete(h.run.id);
    const deadline = Date.now() + tuning.shutdownGraceMs;
    try {
      await releaseLeases(store.db, store.dialect, this.nodeId, unstarted.map((h) => h.run.id));
    } catch (err) {
      logger.warn({ err }, 'could not release unstarted runs; their leases will lapse');
    }
    const messagesStopped = this.messages.stop(deadline);
    while (this.dispatcher.inFlight > 0 && Date.now() < deadline) await sleep(10);
    await this.writer.drain(Math.max(deadline, Date.now() + 2_000));
    await this.sql.close();
    await messagesStopped;
    clearInterval(this.renewTimer);
    // Deliveries still in flight past the grace period, and retries or next occurrences written
    // with our lease, go back to pending for whoever claims next.
    let left = 0;
    try {
      left = await releaseOwnedLeases(store.db, this.nodeId);
    } catch (err) {
      logger.warn({ err }, 'could not release runs; their leases will lapse');
    }
    logger.info({ released: unstarted.length + left, inFlight: this.dispatcher.inFlight }, 'engine stopped');
  }
}

/**
 * How long outcomes gather before their group commit. A commit costs by the pages it writes,
 * and outcomes close in time share pages (ids are monotonic): at 1 000 deliveries/s, 20 ms
 * rather than 5 ms cut SQLite's commit time by a third and all SQL time by a quarter. Lateness
 * is unaffected (it is the delivery's start); an outcome is visible up to 20 ms later.
 */
const writerDelayMs = 20;
/**
 * Due runs one timer callback moves from the heap to the dispatcher; the rest follow on the next
 * turn of the event loop (the timer is re-armed at 0). A burst of 20 000 runs due at one instant
 * took 60 ms to move at once, and the deliveries it started could not reach the wire until then.
 */
const fireSlice = 1_000;
/** Runs whose leases one statement (or, on SQLite, one transaction) renews. */
const renewSlice = 2_000;

/** pino's number for `debug`: successes are logged only at it or below, without building their line otherwise. */
const debugLevel = 20;

/** An attempt that failed before or without an answer. */
function failedResult(error: string, startedAt: number): DeliveryResult {
  return { outcome: 'failed', statusCode: null, headers: null, body: null, error, startedAt, durationMs: Math.max(0, Date.now() - startedAt) };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What an attempt whose request could not be built records as its request: the job's own. */
function unpreparedRequest({ job }: HeldRun): DeliveryRequest {
  return { origin: job.origin, path: job.path, method: job.method, headers: job.headers, body: job.body, timeoutMs: job.timeoutMs, followRedirects: job.followRedirects };
}

function yieldToLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
