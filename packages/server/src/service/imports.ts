/**
 * Imports: jobs from another scheduler, a crontab, a curl command or a Kairos export, made
 * through the jobs service so that each is validated exactly as a created job (target rules,
 * plan limits), one bad job never stopping the others.
 *
 * Each door translates onto `run`: `POST /v1/imports` gives it as it is; JustRun's
 * `/v1/migrate/*` gives `{ format: 'easycron' | 'cronjob-org' | 'justrun', apiKey | source,
 * spaceId }` and renames the answer's fields; the CLI sends the native request over the API.
 */
import { AppError, type FieldIssue } from '../domain/errors.js';
import { parseCronjobOrg } from '../domain/imports/cronjobOrg.js';
import { parseCrontab } from '../domain/imports/crontab.js';
import { commandCall } from '../domain/imports/curl.js';
import { parseEasycron } from '../domain/imports/easycron.js';
import { parseJustrun } from '../domain/imports/justrun.js';
import { type KairosDocument, parseKairosDocument } from '../domain/imports/kairos.js';
import { failed, type ImportedJob, type ImportFormat, ImportSourceError } from '../domain/imports/types.js';
import type { JobInput } from '../domain/jobDefinition.js';
import { compileSchedule } from '../domain/schedule.js';
import type { Store } from '../store/connect.js';
import { listAlertChannels } from '../store/sql/alertChannels.js';
import { listAlertRules } from '../store/sql/alertRules.js';
import { findInboundWebhookBySlug, listInboundWebhooks } from '../store/sql/inboundWebhooks.js';
import { insertSigningSecret, liveSigningSecrets } from '../store/sql/signingSecrets.js';
import { getJobOrigins } from '../store/sql/jobOrigins.js';
import { getSpace, listSpaces } from '../store/sql/spaces.js';
import { newId } from '../domain/ids.js';
import type { Caller } from './caller.js';
import type { AlertsService } from './alerts.js';
import { type Fetched, fetchCronjobOrg, fetchEasycron, type ImportApis } from './importSources.js';
import type { InboundWebhookInput, InboundWebhooksService } from './inboundWebhooks.js';
import type { Job } from '../domain/job.js';
import type { ImportItem, JobsService } from './jobs.js';
import type { ProjectSettingsService } from './projectSettings.js';
import type { SpacesService } from './spaces.js';

export interface ImportRequest {
  format: ImportFormat;
  /** The thing imported: text for crontab and curl, parsed JSON for the others. */
  source?: unknown;
  /** For cronjob-org and easycron: fetch the jobs from the service with this key instead. */
  apiKey?: string;
  /** For curl: when the call is made. */
  schedule?: unknown;
  /** Every imported job goes to this space. */
  spaceId?: string;
  /** Answer what the import would do, without writing anything. */
  dryRun?: boolean;
}

export interface ImportEntry {
  index: number;
  originalName: string | null;
  reason: string;
  /** The fields a refused job got wrong, as the service names them, for a door that names them its own way. */
  issues?: FieldIssue[];
}

/** Something imported that holds a placeholder for a secret the source did not carry. */
export interface FillIn {
  what: 'job' | 'alertChannel' | 'alertRule' | 'inboundWebhook';
  originalId: string;
  name: string | null;
  fields: string[];
  /** The job made, paused until the fields are filled in; null when nothing could be made. */
  id: string | null;
}

/** A space, channel, rule or inbound webhook of an export that could not be made, and why. */
export interface PartError {
  what: 'space' | 'alertChannel' | 'alertRule' | 'inboundWebhook' | 'settings' | 'signingSecret';
  originalId: string | null;
  name: string | null;
  reason: string;
}

/** What an entry of the source became (or, in a dry run, would become). */
export interface ImportedEntry {
  index: number;
  originalName: string | null;
  outcome: 'created' | 'updated' | 'unchanged';
  /** The job's id; null in a dry run. */
  id: string | null;
  /** The job as it is (would be). */
  job: Job;
}

export interface ImportResult {
  dryRun: boolean;
  /** Jobs created or updated. */
  imported: number;
  created: number;
  updated: number;
  /** Entries left out: not something Kairos runs, or the same as what the last import made. */
  skipped: number;
  skippedEntries: ImportEntry[];
  errors: ImportEntry[];
  /** The jobs created, updated or already up to date, in the source's order (none for a dry run). */
  jobIds: string[];
  /** Each of those entries as the job it is (would be), for a preview or a summary table. */
  jobs: ImportedEntry[];
  toFillIn: FillIn[];
  /** What else a Kairos export brought (counts of things made). */
  project?: { spaces: number; alertChannels: number; alertRules: number; inboundWebhooks: number; signingSecrets: number; settings: boolean; errors: PartError[] };
}

export interface ImportsServiceDeps {
  store: Store;
  jobs: Pick<JobsService, 'importJobs'>;
  spaces: Pick<SpacesService, 'create'>;
  alerts: Pick<AlertsService, 'createChannel' | 'createRule'>;
  inboundWebhooks: Pick<InboundWebhooksService, 'create'>;
  projectSettings: Pick<ProjectSettingsService, 'update'>;
  apis: ImportApis;
}

const sourceKinds: Record<ImportFormat, 'text' | 'json'> = { kairos: 'json', justrun: 'json', 'cronjob-org': 'json', easycron: 'json', crontab: 'text', curl: 'text' };

/** An error as one line: its message and, for a validation error, each field's issue. */
function reasonOf(err: AppError): string {
  if (err.details.length === 0) return err.message;
  return err.details.map((d) => `${d.field}: ${d.issue}`).join('; ');
}

/** Every row of a paged store list. */
async function all<R>(page: (offset: number, limit: number) => Promise<{ rows: R[]; total: number }>): Promise<R[]> {
  const out: R[] = [];
  for (let offset = 0; ; offset += 500) {
    const { rows, total } = await page(offset, 500);
    out.push(...rows);
    if (rows.length === 0 || out.length >= total) return out;
  }
}

export function createImportsService(deps: ImportsServiceDeps) {
  const { store } = deps;

  function checkRequest(req: ImportRequest): void {
    const kind = sourceKinds[req.format];
    if (req.apiKey !== undefined && req.format !== 'cronjob-org' && req.format !== 'easycron') {
      throw AppError.validation([{ field: 'apiKey', issue: `is only for cronjob-org and easycron; give ${req.format} as source` }]);
    }
    if (req.apiKey !== undefined && req.source !== undefined) throw AppError.validation([{ field: 'source', issue: 'give either source or apiKey, not both' }]);
    if (req.apiKey === undefined && req.source === undefined) throw AppError.validation([{ field: 'source', issue: `is required (or, for cronjob-org and easycron, an apiKey to fetch the jobs with)` }]);
    if (req.source !== undefined && kind === 'text' && typeof req.source !== 'string') throw AppError.validation([{ field: 'source', issue: `must be the ${req.format} text as a string` }]);
    if (req.source !== undefined && kind === 'json' && typeof req.source === 'string') throw AppError.validation([{ field: 'source', issue: `must be the ${req.format} JSON itself, not a string` }]);
    if (req.format === 'curl' && req.schedule === undefined) throw AppError.validation([{ field: 'schedule', issue: 'is required with a curl command: when should it run?' }]);
    if (req.format !== 'curl' && req.schedule !== undefined) throw AppError.validation([{ field: 'schedule', issue: `is only for curl; a ${req.format} source carries its own schedules` }]);
    // The request's own field, not the source's: refused as the request, not as an entry of it.
    if (req.format === 'curl') {
      const schedule = compileSchedule(req.schedule, Date.now());
      if (!schedule.ok) throw AppError.validation(schedule.issues);
    }
  }

  async function sourceOf(req: ImportRequest): Promise<Fetched> {
    if (req.apiKey === undefined) return { jobs: req.source as unknown[], unread: [] };
    return req.format === 'cronjob-org' ? fetchCronjobOrg(deps.apis.cronjobOrgApiUrl, req.apiKey) : fetchEasycron(deps.apis.easycronApiUrl, req.apiKey);
  }

  function entriesOf(req: ImportRequest, source: unknown, now: number): { entries: ImportedJob[]; document?: KairosDocument } {
    switch (req.format) {
      case 'crontab':
        return { entries: parseCrontab(source as string) };
      case 'curl': {
        const result = commandCall(source as string);
        if (!result.ok) return { entries: [failed(null, null, result.reason)] };
        const { call } = result;
        return { entries: [{ kind: 'job', originalId: `${call.method ?? 'GET'} ${call.url}`, originalName: null, input: { ...call, schedule: req.schedule }, status: 'active' }] };
      }
      case 'cronjob-org':
        return { entries: parseCronjobOrg(source, now) };
      case 'easycron':
        return { entries: parseEasycron(source) };
      case 'justrun':
        return { entries: parseJustrun(source) };
      case 'kairos': {
        const document = parseKairosDocument(source);
        return { entries: document.jobs, document };
      }
    }
  }

  /** The spaces of a Kairos export, found by name or made; original id → this project's id. */
  async function importSpaces(projectId: string, doc: KairosDocument, dryRun: boolean, errors: PartError[]): Promise<{ ids: Map<string, string>; made: number }> {
    const existing = new Map((await all((o, l) => listSpaces(store.db, projectId, o, l))).map((s) => [s.name, s.id]));
    const ids = new Map<string, string>();
    let made = 0;
    for (const space of doc.spaces) {
      let id = existing.get(space.name);
      if (id === undefined && !dryRun) {
        const created = await attempt(errors, { what: 'space', originalId: space.originalId, name: space.name }, () => deps.spaces.create(projectId, { name: space.name, timezone: space.timezone }));
        if (created === undefined) continue;
        id = created.id;
        existing.set(space.name, id);
        made++;
      }
      if (id !== undefined) ids.set(space.originalId, id);
    }
    return { ids, made };
  }

  /** Channels, rules, inbound webhooks, settings and signing secrets of a Kairos export. */
  async function importProjectParts(caller: Caller, doc: KairosDocument, jobIds: Map<string, string>, spaceIds: Map<string, string>, toFillIn: FillIn[], errors: PartError[]) {
    const projectId = caller.projectId;
    const counts = { alertChannels: 0, alertRules: 0, inboundWebhooks: 0, signingSecrets: 0, settings: false };

    const channels = new Map((await all((o, l) => listAlertChannels(store.db, projectId, o, l))).map((c) => [`${c.type} ${c.name}`, c.id]));
    const channelIds = new Map<string, string>();
    for (const c of doc.alertChannels) {
      const key = `${c.input.type} ${c.input.name}`;
      const found = channels.get(key);
      if (found !== undefined) channelIds.set(c.originalId, found);
      else if (c.fillIn.length > 0) toFillIn.push({ what: 'alertChannel', originalId: c.originalId, name: c.input.name, fields: c.fillIn, id: null });
      else {
        const made = await attempt(errors, { what: 'alertChannel', originalId: c.originalId, name: c.input.name }, () => deps.alerts.createChannel(projectId, c.input));
        if (made === undefined) continue;
        channels.set(key, made.id);
        channelIds.set(c.originalId, made.id);
        counts.alertChannels++;
      }
    }

    const ruleNames = new Set((await all((o, l) => listAlertRules(store.db, projectId, o, l))).map((r) => r.name));
    for (const r of doc.alertRules) {
      if (ruleNames.has(r.name)) continue;
      const input = { ...r.input };
      const wanted = Array.isArray(input.channelIds) ? (input.channelIds as string[]) : [];
      const mapped = wanted.map((id) => channelIds.get(id)).filter((id): id is string => id !== undefined);
      if (mapped.length < wanted.length) {
        toFillIn.push({ what: 'alertRule', originalId: r.originalId, name: r.name, fields: ['channelIds'], id: null });
        continue;
      }
      input.channelIds = mapped;
      if (typeof input.jobId === 'string') {
        // A job of this document, or of an earlier import of the same export (one split in parts).
        const jobId = jobIds.get(input.jobId) ?? (await getJobOrigins(store.db, store.dialect, projectId, 'kairos', [input.jobId]))[0]?.job_id;
        if (jobId === undefined) {
          errors.push({ what: 'alertRule', originalId: r.originalId, name: r.name, reason: `its job ${input.jobId} was not imported` });
          continue;
        }
        input.jobId = jobId;
      }
      if (typeof input.spaceId === 'string') input.spaceId = spaceIds.get(input.spaceId) ?? input.spaceId;
      if ((await attempt(errors, { what: 'alertRule', originalId: r.originalId, name: r.name }, () => deps.alerts.createRule(projectId, input))) === undefined) continue;
      ruleNames.add(r.name);
      counts.alertRules++;
    }

    const inbound = await all((o, l) => listInboundWebhooks(store.db, projectId, o, l));
    for (const w of doc.inboundWebhooks) {
      const same = inbound.find((x) => (w.slug !== null ? x.slug === w.slug : x.target_url === w.input.targetUrl && x.name === w.name && x.method === (w.input.method ?? 'POST')));
      if (same) continue;
      // Made without its secret, it would take unsigned requests that its sender's were not.
      if (w.fillIn.length > 0) {
        toFillIn.push({ what: 'inboundWebhook', originalId: w.originalId, name: w.name, fields: w.fillIn, id: null });
        continue;
      }
      // The slug is the URL senders know: kept, unless another webhook on this server has it.
      const slug = w.slug !== null && !(await findInboundWebhookBySlug(store.db, w.slug)) ? w.slug : undefined;
      const made = await attempt(errors, { what: 'inboundWebhook', originalId: w.originalId, name: w.name }, () => deps.inboundWebhooks.create(caller, w.input as InboundWebhookInput, slug));
      if (made !== undefined) counts.inboundWebhooks++;
    }

    if (doc.project && (doc.project.badgesEnabled !== undefined || doc.project.eventsUrl !== undefined)) {
      counts.settings = (await attempt(errors, { what: 'settings', originalId: null, name: null }, () => deps.projectSettings.update(caller, doc.project!))) !== undefined;
    }

    const now = Date.now();
    if (doc.signingSecrets.length > 0 && (await liveSigningSecrets(store.db, store.dialect, [projectId], now)).length === 0) {
      for (const s of doc.signingSecrets) {
        if (s.expiresAt !== null && s.expiresAt <= now) continue;
        await insertSigningSecret(store.db, { id: newId('ss', now), project_id: projectId, secret: s.secret, last_four: s.secret.slice(-4), created_at: s.createdAt, expires_at: s.expiresAt, revoked_at: null });
        counts.signingSecrets++;
      }
    }
    return counts;
  }

  return {
    async run(caller: Caller, req: ImportRequest): Promise<ImportResult> {
      checkRequest(req);
      const projectId = caller.projectId;
      const dryRun = req.dryRun === true;
      if (req.spaceId !== undefined && !(await getSpace(store.db, projectId, req.spaceId))) {
        throw AppError.validation([{ field: 'spaceId', issue: `no space ${req.spaceId} in this project` }]);
      }
      const fetched = await sourceOf(req);
      let parsed: ReturnType<typeof entriesOf>;
      try {
        parsed = entriesOf(req, fetched.jobs, Date.now());
      } catch (err) {
        if (err instanceof ImportSourceError) throw AppError.validation([{ field: err.field, issue: err.message }]);
        throw err;
      }
      const { document } = parsed;
      const entries = [...parsed.entries, ...fetched.unread.map((u) => failed(u.originalId, u.originalName, u.reason))];

      const partErrors: PartError[] = (document?.unreadable ?? []).map((u) => ({ what: u.what, originalId: null, name: null, reason: u.reason }));
      const spaces = document && req.spaceId === undefined ? await importSpaces(projectId, document, dryRun, partErrors) : { ids: new Map<string, string>(), made: 0 };
      // Outside a Kairos document, a job's own space is taken when it is one of this project's.
      const ownSpaces = !document && req.spaceId === undefined && entries.some((e) => e.kind === 'job' && e.originalSpaceId) ? new Set((await all((o, l) => listSpaces(store.db, projectId, o, l))).map((s) => s.id)) : new Set<string>();
      const items: Array<ImportItem & { index: number }> = [];
      const result: ImportResult = { dryRun, imported: 0, created: 0, updated: 0, skipped: 0, skippedEntries: [], errors: [], jobIds: [], jobs: [], toFillIn: [] };
      entries.forEach((entry, index) => {
        if (entry.kind === 'skipped') result.skippedEntries.push({ index, originalName: entry.originalName, reason: entry.reason });
        else if (entry.kind === 'error') result.errors.push({ index, originalName: entry.originalName, reason: entry.reason });
        else {
          const original = entry.originalSpaceId ?? null;
          const spaceId = req.spaceId ?? (original === null ? null : document ? (spaces.ids.get(original) ?? null) : ownSpaces.has(original) ? original : null);
          const input: JobInput = { ...entry.input, ...(spaceId ? { spaceId } : {}) };
          // A Kairos export names its jobs by their ids: restored into the project it came from, they are the same jobs.
          const sameAs = req.format === 'kairos' ? entry.originalId : undefined;
          // Paused by its space only back in that space: in another or in none, only the user would resume it.
          const bySpace = entry.pausedBy === 'space' && req.spaceId === undefined && spaceId !== null;
          items.push({ index, originalId: entry.originalId, input, status: entry.status, ...(bySpace ? { pausedBy: 'space' as const } : {}), nextRunAt: entry.nextRunAt, state: entry.state, previous: entry.previous, ...(sameAs ? { sameAs } : {}) });
        }
      });

      const outcomes = await deps.jobs.importJobs(projectId, req.format, items, { dryRun });
      const jobIds = new Map<string, string>();
      outcomes.forEach((o, i) => {
        const item = items[i]!;
        const entry = entries[item.index]! as Extract<ImportedJob, { kind: 'job' }>;
        if ('error' in o) {
          result.errors.push({ index: item.index, originalName: entry.originalName, reason: reasonOf(o.error), ...(o.error.details.length > 0 ? { issues: o.error.details } : {}) });
          return;
        }
        if (o.outcome === 'unchanged') result.skippedEntries.push({ index: item.index, originalName: entry.originalName, reason: 'unchanged since the last import' });
        else result[o.outcome]++;
        jobIds.set(item.originalId, o.jobId);
        if (!dryRun) result.jobIds.push(o.jobId);
        result.jobs.push({ index: item.index, originalName: entry.originalName, outcome: o.outcome, id: dryRun ? null : o.jobId, job: o.job });
        if (entry.fillIn) toFillInJob(result, entry, dryRun ? null : o.jobId);
      });
      result.imported = result.created + result.updated;
      result.skipped = result.skippedEntries.length;
      result.errors.sort((a, b) => a.index - b.index);
      result.skippedEntries.sort((a, b) => a.index - b.index);

      if (document) {
        const parts = dryRun ? { alertChannels: 0, alertRules: 0, inboundWebhooks: 0, signingSecrets: 0, settings: false } : await importProjectParts(caller, document, jobIds, spaces.ids, result.toFillIn, partErrors);
        result.project = { spaces: spaces.made, ...parts, errors: partErrors };
      }
      return result;
    },
  };
}

/** `work`'s value, or undefined with its refusal recorded: one bad part does not stop the others. */
async function attempt<T>(errors: PartError[], what: Omit<PartError, 'reason'>, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    errors.push({ ...what, reason: reasonOf(err) });
    return undefined;
  }
}

function toFillInJob(result: ImportResult, entry: Extract<ImportedJob, { kind: 'job' }>, id: string | null): void {
  result.toFillIn.push({ what: 'job', originalId: entry.originalId, name: entry.originalName, fields: entry.fillIn ?? [], id });
}

export type ImportsService = ReturnType<typeof createImportsService>;
