import { AlertBook, type AlertedJob } from '../alerts/alertBook.js';
import { newId } from '../domain/ids.js';
import { outcomeNotice, renderWebhookEnvelope } from '../alerts/notice.js';
import { type AttemptRecord, callbackBody, lifecycleEvents } from '../domain/jobEvents.js';
import { DEFAULT_RETRY_POLICY } from '../domain/retry.js';
import type { JobDefinition } from '../domain/jobDefinition.js';
import type { Dialect } from '../store/dialect.js';
import { executionColumn, newJobRow, newOutboxRow, newRunRow } from '../store/rows.js';
import type { JobRow, OutboxKind, OutboxRow, RunRow } from '../store/schema.js';
import type { Executor } from '../store/sql/executor.js';
import { insertJobs } from '../store/sql/jobs.js';
import { insertMessages } from '../store/sql/outbox.js';
import { projectEventUrls } from '../store/sql/projectSettings.js';
import type { Recorded } from '../store/sql/recordOutcomes.js';
import { insertRuns } from '../store/sql/runs.js';
import type { JobPlan } from './jobPlan.js';

/**
 * A job as its outcomes' effects need it: what alert rules match and notices name, and what a
 * follow-up job is made of. Small, as it crosses to the engine's SQL thread with every outcome.
 */
export type EffectJob = AlertedJob & Pick<JobPlan, 'followUps' | 'timeoutMs'>;

/** The part of a job plan its effects need. */
export function effectJobOf(plan: JobPlan): EffectJob {
  return { id: plan.id, name: plan.name, projectId: plan.projectId, spaceId: plan.spaceId, tags: plan.tags, followUps: plan.followUps, timeoutMs: plan.timeoutMs };
}

/** What the effects of a batch wrote: the engine wakes its claimer and its message sender on them. */
export interface EffectsWritten {
  followUpJobs: number;
  messages: number;
}

export interface EffectsContext {
  /** The dialect of the store the transaction belongs to. */
  dialect: Dialect;
  /** KAIROS_PUBLIC_URL, for the job links in alert notices. */
  publicUrl: string | null;
}

/**
 * Writes what recorded outcomes set off, in their own transaction, so that none is lost and
 * none is written twice: a one-time follow-up job after each success of a job with
 * `onComplete`, and outbox messages for callbacks, lifecycle events, the project's events and
 * the notices of its alert rules.
 */
export async function writeOutcomeEffects(db: Executor, written: readonly { recorded: Recorded; job: EffectJob }[], now: number, context: EffectsContext): Promise<EffectsWritten> {
  const jobs: JobRow[] = [];
  const runs: RunRow[] = [];
  const messages: OutboxRow[] = [];
  const eventUrls = await projectEventUrls(db, context.dialect, [...new Set(written.map((w) => w.job.projectId))]);
  const alerts = await AlertBook.read(db, context.dialect, written.map((w) => w.job), context.publicUrl);
  for (const { recorded, job } of written) {
    const f = job.followUps;
    const projectEvents = eventUrls.get(job.projectId);
    const quiet = alerts.quietFor(job);
    if (f === null && projectEvents === undefined && quiet) continue;
    const a = attemptRecord(recorded, job);
    if (!quiet) messages.push(...alerts.notices(job, recorded, a, now));
    const message = (kind: OutboxKind, event: string, url: string, id: string, body: unknown): OutboxRow =>
      newOutboxRow({ id, projectId: job.projectId, jobId: job.id, kind, event, url, body, now });

    if (projectEvents !== undefined) {
      const types = recorded.transition === null ? (['job.executed'] as const) : (['job.executed', `job.${recorded.transition}`] as const);
      for (const type of types) {
        const id = newId('msg', now);
        const envelope = renderWebhookEnvelope(outcomeNotice(id, type, a, job, recorded.consecutiveFailures, now, context.publicUrl));
        messages.push(message('project_event', type, projectEvents, id, envelope));
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
  await insertJobs(db, context.dialect, jobs);
  await insertRuns(db, context.dialect, runs);
  await insertMessages(db, context.dialect, messages);
  await alerts.write(db);
  return { followUpJobs: jobs.length, messages: messages.length };
}

/** One attempt as messages describe it. */
export function attemptRecord({ outcome }: Recorded, job: Pick<EffectJob, 'id' | 'name'>): AttemptRecord {
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
    request: { method: e.request_method, url: e.request_url, headers: executionColumn.requestHeaders(e.request_headers), body: e.request_body },
    response: {
      headers: executionColumn.responseHeaders(e.response_headers),
      body: outcome.unstoredBody !== undefined ? outcome.unstoredBody : e.response_body,
    },
    nextAttemptAt: outcome.run.kind === 'retry' ? outcome.run.dueAt : null,
  };
}

/**
 * The one-time job that posts a successful job's payload to its `onComplete` URL. It has no
 * follow-up, callback or events URL of its own, so a chain of follow-ups ends after one link.
 */
function followUpJob(projectId: string, parent: EffectJob, url: string, now: number): JobRow {
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
    deliveryStyle: f.style,
  };
  return newJobRow(projectId, def, true, now, { parentJobId: parent.id });
}
