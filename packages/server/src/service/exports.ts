/**
 * A project as one versioned JSON document (domain/imports/kairos.ts describes it), produced as a
 * stream of text chunks: jobs and executions are read a page at a time, so a project of a
 * million jobs or executions costs one page of memory. With `history`, the document is the first
 * line of a JSON Lines stream and each execution follows on a line of its own.
 */
import { exportVersion, isSecretHeader, mask } from '../domain/imports/kairos.js';
import type { Store } from '../store/connect.js';
import type { Job } from '../domain/job.js';
import type { AlertChannel, AlertRule, Execution, InboundWebhook } from '../domain/records.js';
import { isoOf as iso } from '../domain/instant.js';
import { describeSchedule } from '../domain/scheduleDescription.js';
import { shownSchedule } from '../domain/shownJob.js';
import { decodeAlertChannel, decodeAlertRule, decodeExecution, decodeInboundWebhook, decodeJob, decodeProject } from '../store/rows.js';
import type { ExecutionRow, JobWithNextRun } from '../store/schema.js';
import { getProject } from '../store/sql/accounts.js';
import { listAlertChannels } from '../store/sql/alertChannels.js';
import { listAlertRules } from '../store/sql/alertRules.js';
import { executionsAfter, jobsAfter } from '../store/sql/exports.js';
import { listInboundWebhooks } from '../store/sql/inboundWebhooks.js';
import { liveSigningSecrets } from '../store/sql/signingSecrets.js';
import { listSpaces } from '../store/sql/spaces.js';
import { AppError } from '../domain/errors.js';

export interface ExportOptions {
  /** Include secrets in full; otherwise they are masked. */
  secrets: boolean;
  /** Follow the document with every execution, one JSON line each. */
  history: boolean;
}

const pageSize = 500;
/**
 * A job as the export holds it: the fields of a create, plus what it carries at run time. The
 * document is Kairos's own versioned format (domain/imports/kairos.ts reads it back), so its
 * fields are written here rather than borrowed from a door's representation, which may change
 * with that door; only the schedule's conversion (domain/shownJob.ts) is shared. Its request and
 * destination are the job's own, secrets included when asked, and its fields keep the order
 * exports have been written in.
 */
function exportedJob(job: Job, secrets: boolean) {
  return {
    id: job.id,
    name: job.name,
    description: job.description,
    status: job.status,
    // Who paused it: a job its space's pause paused is the space's to resume, in the project it moves to too.
    pausedBy: job.pausedBy,
    tags: job.tags,
    spaceId: job.spaceId,
    method: job.method,
    headers: secrets ? job.headers : mask.headers(job.headers, false),
    query: job.query,
    ...(job.payload !== undefined ? { payload: job.payload } : { body: job.body }),
    schedule: shownSchedule(job.schedule),
    scheduleDescription: describeSchedule(job.schedule),
    retryPolicy: job.retryPolicy,
    timeoutMs: job.timeoutMs,
    storeResponseBody: job.storeResponseBody,
    followRedirects: job.followRedirects,
    onComplete: job.onComplete,
    callbackUrl: job.callbackUrl,
    failureCallbackUrl: job.failureCallbackUrl,
    eventsUrl: job.eventsUrl,
    parentJobId: job.parentJobId,
    nextRunAt: iso(job.nextRunAt),
    lastRunAt: iso(job.lastRunAt),
    lastStatus: job.lastStatus,
    createdAt: iso(job.createdAt),
    url: job.destination === null ? job.url : undefined,
    destination: job.destination === null ? undefined : secrets ? job.destination : mask.destination(job.destination as unknown as Record<string, unknown>),
    state: job.state === null ? null : (JSON.parse(job.state) as unknown),
    previous: job.previousResult === null ? null : (JSON.parse(job.previousResult) as unknown),
    // How the job's receivers expect its requests to look.
    deliveryStyle: job.deliveryStyle,
  };
}

function exportedChannel(channel: AlertChannel, secrets: boolean) {
  const config = channel.config as Record<string, unknown>;
  return { id: channel.id, type: channel.type, name: channel.name, config: secrets ? config : mask.channelConfig(channel.type, config), createdAt: iso(channel.createdAt) };
}

function exportedRule(rule: AlertRule) {
  return { ...rule, createdAt: iso(rule.createdAt), updatedAt: iso(rule.updatedAt) };
}

function exportedInbound(webhook: InboundWebhook, secrets: boolean) {
  return {
    id: webhook.id,
    slug: secrets ? webhook.slug : mask.secret(webhook.slug),
    name: webhook.name,
    targetUrl: webhook.targetUrl,
    method: webhook.method,
    headers: secrets ? webhook.headers : mask.headers(webhook.headers, false),
    delayMs: webhook.delayMs,
    secret: webhook.secret === null ? null : secrets ? webhook.secret : mask.secret(webhook.secret),
    createdAt: iso(webhook.createdAt),
  };
}

function exportedExecution(e: Execution, secrets: boolean) {
  const request = secrets || e.request === null ? e.request : { ...e.request, headers: Object.fromEntries(Object.entries(e.request.headers).map(([k, v]) => [k, isSecretHeader(k) ? mask.secret(v) : v])) };
  return { ...e, scheduledFor: iso(e.scheduledFor), startedAt: iso(e.startedAt), completedAt: iso(e.completedAt), request };
}

async function all<R>(page: (offset: number, limit: number) => Promise<{ rows: R[]; total: number }>): Promise<R[]> {
  const out: R[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const { rows, total } = await page(offset, pageSize);
    out.push(...rows);
    if (rows.length === 0 || out.length >= total) return out;
  }
}

export function createExportsService({ store }: { store: Store }) {
  return {
    /**
     * The project's export, as chunks of text. Everything but the jobs is read before the first
     * chunk (a project has few spaces, channels, rules and webhooks), so a missing project is an
     * error before anything is sent.
     */
    async open(projectId: string, { secrets, history }: ExportOptions): Promise<AsyncIterable<string>> {
      const row = await getProject(store.db, projectId);
      if (!row) throw AppError.notFound(`Project ${projectId}`);
      const project = decodeProject(row);
      const db = store.db;
      const spaces = (await all((o, l) => listSpaces(db, projectId, o, l))).map((s) => ({ id: s.id, name: s.name, timezone: s.timezone }));
      const channels = (await all((o, l) => listAlertChannels(db, projectId, o, l))).map((c) => exportedChannel(decodeAlertChannel(c), secrets));
      const rules = (await all((o, l) => listAlertRules(db, projectId, o, l))).map((r) => exportedRule(decodeAlertRule(r)));
      const inbound = (await all((o, l) => listInboundWebhooks(db, projectId, o, l))).map((w) => exportedInbound(decodeInboundWebhook(w), secrets));
      const signing = secrets ? (await liveSigningSecrets(db, store.dialect, [projectId], Date.now())).map((s) => ({ secret: s.secret, createdAt: iso(s.created_at), expiresAt: iso(s.expires_at) })) : undefined;
      const head = {
        kairos: 'export',
        version: exportVersion,
        exportedAt: new Date().toISOString(),
        secrets: secrets ? 'included' : 'masked',
        project: { id: project.id, name: project.name, badgesEnabled: project.badgesEnabled, eventsUrl: project.eventsUrl },
        spaces,
        alertChannels: channels,
        alertRules: rules,
        inboundWebhooks: inbound,
        ...(signing ? { signingSecrets: signing } : {}),
      };

      return (async function* () {
        // The document's head without its closing brace, then the jobs as they are read.
        yield `${JSON.stringify(head).slice(0, -1)},"jobs":[`;
        let after: string | null = null;
        let first = true;
        for (;;) {
          const rows: JobWithNextRun[] = await jobsAfter(db, projectId, after, pageSize);
          if (rows.length === 0) break;
          yield rows.map((r) => (first ? ((first = false), '') : ',') + JSON.stringify(exportedJob(decodeJob(r), secrets))).join('');
          after = rows.at(-1)!.id;
          if (rows.length < pageSize) break;
        }
        yield ']}';
        if (!history) return;
        yield '\n';
        after = null;
        for (;;) {
          const rows: ExecutionRow[] = await executionsAfter(db, projectId, after, pageSize);
          if (rows.length === 0) break;
          yield rows.map((r) => `${JSON.stringify({ type: 'execution', ...exportedExecution(decodeExecution(r), secrets) })}\n`).join('');
          after = rows.at(-1)!.id;
          if (rows.length < pageSize) break;
        }
      })();
    },
  };
}

export type ExportsService = ReturnType<typeof createExportsService>;
