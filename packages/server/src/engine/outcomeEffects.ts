import { type AlertRule, alertRuleOf, covers, decideAlerts } from '../alerts/decideAlerts.js';
import { jobLink, type Notice, noticeExcerptLength } from '../alerts/notice.js';
import type { AlertEvent } from '../domain/alertRule.js';
import { newId } from '../domain/ids.js';
import { type AttemptRecord, callbackBody, lifecycleEvents, projectEvent } from '../domain/jobEvents.js';
import { DEFAULT_RETRY_POLICY } from '../domain/retry.js';
import type { JobDefinition } from '../domain/jobDefinition.js';
import { newJobRow, newRunRow } from '../store/rows.js';
import type { AlertStateRow, JobRow, OutboxKind, OutboxRow, RunRow } from '../store/schema.js';
import { enabledAlertRules } from '../store/sql/alertRules.js';
import { alertStates, clearAlertStates, saveAlertStates } from '../store/sql/alertStates.js';
import type { Executor } from '../store/sql/executor.js';
import { insertJobs } from '../store/sql/jobs.js';
import { insertMessages } from '../store/sql/outbox.js';
import { projectEventUrls } from '../store/sql/projectSettings.js';
import type { Recorded } from '../store/sql/recordOutcomes.js';
import { insertRuns } from '../store/sql/runs.js';
import type { JobPlan } from './jobPlan.js';

/** Attempts a message gets before it is given up: callbacks are not retried forever. */
export const messageAttempts: Record<OutboxKind, number> = { callback: 3, job_event: 3, project_event: 4, alert: 4 };

/** What the effects of a batch wrote: the engine wakes its claimer and its message sender on them. */
export interface EffectsWritten {
  followUpJobs: number;
  messages: number;
}

export interface EffectsSettings {
  /** KAIROS_PUBLIC_URL, for the job links in alert notices. */
  publicUrl: string | null;
}

/**
 * Writes what recorded outcomes set off, in their own transaction, so that none is lost and
 * none is written twice: a one-time follow-up job after each success of a job with
 * `onComplete`, and outbox messages for callbacks, lifecycle events, the project's events and
 * the notices of its alert rules.
 */
export async function writeOutcomeEffects(db: Executor, written: readonly { recorded: Recorded; job: JobPlan }[], now: number, settings: EffectsSettings): Promise<EffectsWritten> {
  const jobs: JobRow[] = [];
  const runs: RunRow[] = [];
  const messages: OutboxRow[] = [];
  const projectIds = [...new Set(written.map((w) => w.job.projectId))];
  const eventUrls = await projectEventUrls(db, projectIds);
  const alerts = await AlertBook.read(db, projectIds, written);
  for (const { recorded, job } of written) {
    const f = job.followUps;
    const projectEvents = eventUrls.get(job.projectId);
    const rules = alerts.rulesFor(job);
    if (f === null && projectEvents === undefined && rules.length === 0) continue;
    const a = attemptRecord(recorded, job);

    for (const rule of rules) {
      const decision = decideAlerts(rule, recorded, (event) => alerts.lastSent(rule.id, job.id, event), now);
      for (const event of decision.clear) alerts.clear(rule.id, job.id, event);
      for (const event of decision.send) {
        alerts.mark(rule.id, job.id, event, now);
        for (const channelId of rule.channelIds) {
          const id = newId('msg', now);
          const notice = noticeOf(id, event, a, job, recorded.consecutiveFailures, now, settings);
          messages.push(outboxRow({ id, projectId: job.projectId, jobId: job.id, kind: 'alert', event, channelId, ruleId: rule.id, body: notice, now }));
        }
      }
    }
    const message = (kind: OutboxKind, event: string, url: string, id: string, body: unknown): OutboxRow =>
      outboxRow({ id, projectId: job.projectId, jobId: job.id, kind, event, url, body, now });

    if (projectEvents !== undefined) {
      const types = recorded.transition === null ? (['job.executed'] as const) : (['job.executed', `job.${recorded.transition}`] as const);
      for (const type of types) {
        const id = newId('msg', now);
        messages.push(message('project_event', type, projectEvents, id, projectEvent(id, type, a, recorded.consecutiveFailures)));
      }
    }
    if (f === null) continue;

    const runEnded = a.nextAttemptAt === null;
    if (f.onComplete !== null && a.status === 'success') {
      const followUp = followUpJob(job.projectId, job, f.onComplete, now);
      jobs.push(followUp);
      runs.push(newRunRow(followUp, now, now));
    }
    if (f.callbackUrl !== null && runEnded) {
      const id = newId('msg', now);
      messages.push(message('callback', 'callback', f.callbackUrl, id, callbackBody(a)));
    }
    if (f.failureCallbackUrl !== null && a.status === 'dead_letter') {
      const id = newId('msg', now);
      messages.push(message('callback', 'failure_callback', f.failureCallbackUrl, id, callbackBody(a)));
    }
    if (f.eventsUrl !== null && a.status !== 'quota_exceeded') {
      for (const event of lifecycleEvents(a, () => newId('msg', now))) messages.push(message('job_event', event.type, f.eventsUrl, event.id, event));
    }
  }
  await insertJobs(db, jobs);
  await insertRuns(db, runs);
  await insertMessages(db, messages);
  await alerts.write(db);
  return { followUpJobs: jobs.length, messages: messages.length };
}

/** The enabled alert rules of a batch's projects, and when each last notified about each job. */
class AlertBook {
  private readonly changed = new Map<string, AlertStateRow | null>();

  private constructor(
    private readonly rules: ReadonlyMap<string, AlertRule[]>,
    private readonly sent: Map<string, number>,
  ) {}

  static async read(db: Executor, projectIds: readonly string[], written: readonly { job: JobPlan }[]): Promise<AlertBook> {
    const rules = new Map<string, AlertRule[]>();
    for (const row of await enabledAlertRules(db, projectIds)) {
      const list = rules.get(row.project_id);
      if (list) list.push(alertRuleOf(row));
      else rules.set(row.project_id, [alertRuleOf(row)]);
    }
    const sent = new Map<string, number>();
    if (rules.size > 0) {
      const jobIds = [...new Set(written.filter((w) => rules.has(w.job.projectId)).map((w) => w.job.id))];
      const ruleIds = [...rules.values()].flat().map((r) => r.id);
      for (const s of await alertStates(db, ruleIds, jobIds)) sent.set(key(s.rule_id, s.job_id, s.event), s.last_sent_at);
    }
    return new AlertBook(rules, sent);
  }

  rulesFor(job: JobPlan): AlertRule[] {
    return this.rules.get(job.projectId)?.filter((r) => covers(r, job)) ?? [];
  }

  lastSent(ruleId: string, jobId: string, event: AlertEvent): number | undefined {
    return this.sent.get(key(ruleId, jobId, event));
  }

  mark(ruleId: string, jobId: string, event: AlertEvent, at: number): void {
    const k = key(ruleId, jobId, event);
    this.sent.set(k, at);
    this.changed.set(k, { rule_id: ruleId, job_id: jobId, event, last_sent_at: at });
  }

  clear(ruleId: string, jobId: string, event: AlertEvent): void {
    const k = key(ruleId, jobId, event);
    if (!this.sent.delete(k)) return;
    this.changed.set(k, null);
  }

  async write(db: Executor): Promise<void> {
    const saved: AlertStateRow[] = [];
    const cleared: Omit<AlertStateRow, 'last_sent_at'>[] = [];
    for (const [k, row] of this.changed) {
      if (row) saved.push(row);
      else {
        const [rule_id, job_id, event] = k.split(' ') as [string, string, string];
        cleared.push({ rule_id, job_id, event });
      }
    }
    await saveAlertStates(db, saved);
    await clearAlertStates(db, cleared);
  }
}

const key = (ruleId: string, jobId: string, event: string) => `${ruleId} ${jobId} ${event}`;

function noticeOf(id: string, event: AlertEvent, a: AttemptRecord, job: JobPlan, consecutiveFailures: number, now: number, settings: EffectsSettings): Notice {
  const body = a.response.body;
  return {
    id,
    event,
    createdAt: now,
    projectId: job.projectId,
    job: { id: job.id, name: job.name },
    execution: {
      id: a.executionId,
      status: a.status,
      statusCode: a.statusCode,
      error: a.error,
      responseExcerpt: body === null ? null : body.slice(0, noticeExcerptLength),
      durationMs: a.durationMs,
      executedAt: a.startedAt,
    },
    consecutiveFailures,
    jobUrl: jobLink(settings.publicUrl, job.id),
  };
}

/** One attempt as messages describe it. */
export function attemptRecord({ outcome }: Recorded, job: JobPlan): AttemptRecord {
  const e = outcome.execution;
  return {
    jobId: job.id,
    jobName: job.name,
    runId: e.run_id,
    executionId: e.id,
    deliveryId: e.delivery_id,
    attempt: e.attempt,
    status: e.status,
    statusCode: e.status_code,
    error: e.error,
    durationMs: e.duration_ms,
    scheduledFor: e.scheduled_for,
    startedAt: e.started_at,
    completedAt: e.completed_at,
    request: { method: e.request_method, url: e.request_url, headers: e.request_headers ? (JSON.parse(e.request_headers) as Record<string, string>) : {}, body: e.request_body },
    response: outcome.response ?? { headers: null, body: null },
    nextAttemptAt: outcome.run.kind === 'retry' ? outcome.run.dueAt : null,
  };
}

export interface MessageFields {
  id: string;
  projectId: string;
  jobId: string | null;
  kind: OutboxKind;
  event: string;
  url?: string | null;
  channelId?: string | null;
  ruleId?: string | null;
  body: unknown;
  now: number;
}

/** A pending message, due at once. */
export function outboxRow(m: MessageFields): OutboxRow {
  return {
    id: m.id,
    project_id: m.projectId,
    job_id: m.jobId,
    kind: m.kind,
    event: m.event,
    url: m.url ?? null,
    channel_id: m.channelId ?? null,
    rule_id: m.ruleId ?? null,
    body: JSON.stringify(m.body),
    status: 'pending',
    attempts: 0,
    max_attempts: messageAttempts[m.kind],
    due_at: m.now,
    lease_owner: null,
    lease_until: null,
    last_status_code: null,
    last_error: null,
    last_response: null,
    created_at: m.now,
    updated_at: m.now,
  };
}

/**
 * The one-time job that posts a successful job's payload to its `onComplete` URL. It has no
 * follow-up, callback or events URL of its own, so a chain of follow-ups ends after one link.
 */
function followUpJob(projectId: string, parent: JobPlan, url: string, now: number): JobRow {
  const f = parent.followUps!;
  const def: JobDefinition = {
    name: `${parent.name ?? parent.id} (onComplete)`.slice(0, 255),
    url,
    destination: null,
    method: 'POST',
    headers: {},
    query: {},
    body: f.payload === null ? f.body : null,
    payload: f.payload,
    schedule: { type: 'once', at: now },
    retryPolicy: { ...DEFAULT_RETRY_POLICY },
    timeoutMs: parent.timeoutMs,
    description: `Follow-up of ${parent.id}`,
    tags: ['follow-up'],
    spaceId: f.spaceId,
    storeResponseBody: true,
    followRedirects: false,
    onComplete: null,
    callbackUrl: null,
    failureCallbackUrl: null,
    eventsUrl: null,
  };
  return newJobRow(projectId, def, true, now, { parent_job_id: parent.id });
}
