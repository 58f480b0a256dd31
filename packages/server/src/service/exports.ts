/**
 * A project as one versioned JSON document (domain/imports/kairos.ts describes it), produced as a
 * stream of text chunks: jobs and executions are read a page at a time, so a project of a
 * million jobs or executions costs one page of memory. With `history`, the document is the first
 * line of a JSON Lines stream and each execution follows on a line of its own.
 */
import { exportVersion, isSecretHeader, mask } from '../domain/imports/kairos.js';
import type { Store } from '../store/connect.js';
import type { AlertChannelRow, ExecutionRow, InboundWebhookRow, JobWithNextRun } from '../store/schema.js';
import { getProject } from '../store/sql/accounts.js';
import { listAlertChannels } from '../store/sql/alertChannels.js';
import { listAlertRules } from '../store/sql/alertRules.js';
import { executionsAfter, jobsAfter } from '../store/sql/exports.js';
import { listInboundWebhooks } from '../store/sql/inboundWebhooks.js';
import { liveSigningSecrets } from '../store/sql/signingSecrets.js';
import { listSpaces } from '../store/sql/spaces.js';
import { AppError } from '../domain/errors.js';
import { alertRuleView, executionView, jobView } from './views.js';

export interface ExportOptions {
  /** Include secrets in full; otherwise they are masked. */
  secrets: boolean;
  /** Follow the document with every execution, one JSON line each. */
  history: boolean;
}

const pageSize = 500;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A job as the export holds it: the fields of a create, plus what it carries at run time. */
function exportedJob(row: JobWithNextRun, secrets: boolean) {
  const view = jobView(row);
  const { destination: _masked, url, lastStatusCode: _c, lastDurationMs: _d, updatedAt: _u, ...rest } = view;
  const destination = row.destination === null ? null : (JSON.parse(row.destination) as Record<string, unknown>);
  return {
    ...rest,
    url: destination === null ? url : undefined,
    destination: destination === null ? undefined : secrets ? destination : mask.destination(destination),
    headers: secrets ? view.headers : mask.headers(view.headers, false),
    state: row.state == null ? null : (JSON.parse(row.state) as unknown),
    previous: row.previous_result == null ? null : (JSON.parse(row.previous_result) as unknown),
    // Not in the API's view, but how the job's receivers expect its requests to look.
    deliveryStyle: row.delivery_style,
  };
}

function exportedChannel(row: AlertChannelRow, secrets: boolean) {
  const config = JSON.parse(row.config) as Record<string, unknown>;
  return { id: row.id, type: row.type, name: row.name, config: secrets ? config : mask.channelConfig(row.type, config), createdAt: iso(row.created_at) };
}

function exportedInbound(row: InboundWebhookRow, secrets: boolean) {
  const headers = JSON.parse(row.headers) as Record<string, string>;
  return {
    id: row.id,
    slug: secrets ? row.slug : mask.secret(row.slug),
    name: row.name,
    targetUrl: row.target_url,
    method: row.method,
    headers: secrets ? headers : mask.headers(headers, false),
    delayMs: row.delay_ms,
    secret: row.secret === null ? null : secrets ? row.secret : mask.secret(row.secret),
    createdAt: iso(row.created_at),
  };
}

function exportedExecution(row: ExecutionRow, secrets: boolean) {
  const view = executionView(row);
  if (secrets || view.request === null) return view;
  const headers = Object.fromEntries(Object.entries(view.request.headers).map(([k, v]) => [k, isSecretHeader(k) ? mask.secret(v) : v]));
  return { ...view, request: { ...view.request, headers } };
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
      const project = await getProject(store.db, projectId);
      if (!project) throw AppError.notFound(`Project ${projectId}`);
      const db = store.db;
      const spaces = (await all((o, l) => listSpaces(db, projectId, o, l))).map((s) => ({ id: s.id, name: s.name, timezone: s.timezone }));
      const channels = (await all((o, l) => listAlertChannels(db, projectId, o, l))).map((c) => exportedChannel(c, secrets));
      const rules = (await all((o, l) => listAlertRules(db, projectId, o, l))).map(alertRuleView);
      const inbound = (await all((o, l) => listInboundWebhooks(db, projectId, o, l))).map((w) => exportedInbound(w, secrets));
      const signing = secrets ? (await liveSigningSecrets(db, [projectId], Date.now())).map((s) => ({ secret: s.secret, createdAt: iso(s.created_at), expiresAt: iso(s.expires_at) })) : undefined;
      const head = {
        kairos: 'export',
        version: exportVersion,
        exportedAt: new Date().toISOString(),
        secrets: secrets ? 'included' : 'masked',
        project: { id: project.id, name: project.name, badgesEnabled: (project.badges_enabled ?? 1) === 1, eventsUrl: project.events_url ?? null },
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
          yield rows.map((r) => (first ? ((first = false), '') : ',') + JSON.stringify(exportedJob(r, secrets))).join('');
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
          yield rows.map((r) => `${JSON.stringify({ type: 'execution', ...exportedExecution(r, secrets) })}\n`).join('');
          after = rows.at(-1)!.id;
          if (rows.length < pageSize) break;
        }
      })();
    },
  };
}

export type ExportsService = ReturnType<typeof createExportsService>;
