/**
 * The JustRun API (seed 003) under `/compat/justrun`: `/v1/…` and `/badges/…` as at
 * `https://api.justrun.sh`. Answers are `{ data, meta? }`, errors `{ error: { code, message,
 * details } }`; every call is one service use case. Its `/v1/migrate/*` imports translate onto
 * the import use case that `POST /v1/imports` calls.
 */
import type { FastifyInstance, FastifyReply, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '../../../domain/errors.js';
import { isoOf } from '../../../domain/instant.js';
import type { AccountsService } from '../../../service/accounts.js';
import type { AlertsService } from '../../../service/alerts.js';
import type { ApiKeysService } from '../../../service/apiKeys.js';
import type { BadgesService } from '../../../service/badges.js';
import type { ImportsService } from '../../../service/imports.js';
import type { BulkAction, JobsService } from '../../../service/jobs.js';
import type { PlansService } from '../../../service/plans.js';
import type { SpacesService } from '../../../service/spaces.js';
import type { SparklinesService } from '../../../service/sparklines.js';
import { callerOf, registerBearerAuthentication } from '../../authenticate.js';
import { importBodyLimit } from '../../v1/schemas/imports.js';
import { acceptJsonOnly, nullMeansAbsent, registerDialectErrors } from '../door.js';
import {
  BulkBody,
  CheckoutBody,
  CreateChannelBody,
  CreateJobBody,
  CreateKeyBody,
  CreateSpaceBody,
  IdParams,
  JobIdParams,
  JobListQuery,
  MigrateJsonBody,
  MigrateKeyBody,
  PageQuery,
  PatchJobBody,
  PatchSpaceBody,
} from './schemas.js';
import {
  apiKeyView,
  billingPeriod,
  channelConfigInput,
  channelEvents,
  channelView,
  createInput,
  errorBody,
  errorCode,
  executionView,
  justRunError,
  type JustRunChannelType,
  type JustRunJobBody,
  jobView,
  migrateView,
  patchInput,
  spaceView,
} from './translate.js';

export interface JustRunOptions {
  accounts: AccountsService;
  /** Counts a request against its caller's limits, once the bearer has named the caller. */
  limitPerCaller: onRequestAsyncHookHandler;
  jobs: JobsService;
  spaces: SpacesService;
  alerts: AlertsService;
  apiKeys: ApiKeysService;
  plans: PlansService;
  sparklines: SparklinesService;
  badges: BadgesService;
  imports: ImportsService;
}

const keyStyle = { prefix: 'jrun_sk_' } as const;
const hidden = <T extends object>(schema: T) => ({ ...schema, hide: true });

const meta = (page: number, perPage: number, total: number) => ({ page, per_page: perPage, total });

/** JustRun's lists of spaces, channels, keys and sparklines are not paged: every page of the service's, in order. */
async function everyPage<T>(read: (page: { page: number; perPage: number }) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const all: T[] = [];
  for (let page = 1; ; page++) {
    const { items, total } = await read({ page, perPage: 100 });
    all.push(...items);
    if (items.length === 0 || page * 100 >= total) return all;
  }
}

export async function justRunPlugin(app: FastifyInstance, deps: JustRunOptions): Promise<void> {
  const { jobs, spaces, alerts, apiKeys, plans, sparklines, badges, imports } = deps;

  // JSON only; an empty body where a route takes none (run, pause, rotate-key…) is no body.
  acceptJsonOnly(app);
  // null for an optional field is not given; a job's space_id and body take null to clear them.
  nullMeansAbsent(app, ['space_id', 'body']);
  // A request of the wrong shape is a 400; one the service finds wrong in meaning, a 422.
  registerDialectErrors(app, { status: ({ status, schema }) => (schema ? 400 : status), body: justRunError });
  // Its keys are the native API's: the same bearer check, scopes and per-caller limits.
  registerBearerAuthentication(app, deps.accounts, deps.limitPerCaller);

  // --- jobs -----------------------------------------------------------------------------------

  app.get<{ Querystring: { page: number; per_page: number; status?: 'active' | 'paused' | 'all'; space_id?: string } }>(
    '/v1/jobs',
    { schema: hidden({ querystring: JobListQuery }) },
    async (request) => {
      const { page, per_page, status, space_id } = request.query;
      const filter = { ...(status && status !== 'all' ? { status } : {}), ...(space_id ? { spaceId: space_id } : {}) };
      const { items, total } = await jobs.list(callerOf(request).projectId, filter, { page, perPage: per_page });
      return { data: items.map(jobView), meta: meta(page, per_page, total) };
    },
  );

  app.post<{ Body: JustRunJobBody & { name: string; cron_expression: string; url: string } }>(
    '/v1/jobs',
    { schema: hidden({ body: CreateJobBody }), config: { rateClass: 'jobWrites' } },
    async (request, res) => {
      const { job } = await jobs.create(callerOf(request).projectId, createInput(request.body));
      return res.status(201).send({ data: jobView(job) });
    },
  );

  // Registered before /v1/jobs/:id so that it is not taken for a job id.
  app.get('/v1/jobs/sparklines', { schema: hidden({}) }, async (request) => {
    const { projectId } = callerOf(request);
    const lines = await everyPage((page) => sparklines.list(projectId, page));
    return { data: Object.fromEntries(lines.map((line) => [line.jobId, line.points])) };
  });

  app.post<{ Body: { job_ids: string[]; action: BulkAction; space_id?: string; tags?: string[] } }>(
    '/v1/jobs/bulk',
    { schema: hidden({ body: BulkBody }), config: { rateClass: 'jobWrites' } },
    async (request) => {
      const b = request.body;
      const r = await jobs.bulk(callerOf(request).projectId, { jobIds: b.job_ids, action: b.action, spaceId: b.space_id, tags: b.tags });
      return { data: { succeeded: r.succeeded, failed: r.failed, errors: r.errors.map((e) => ({ job_id: e.jobId, code: errorCode(e.code), message: e.message })) } };
    },
  );

  app.get<{ Params: { id: string } }>('/v1/jobs/:id', { schema: hidden({ params: IdParams }) }, async (request) => ({
    data: jobView(await jobs.get(callerOf(request).projectId, request.params.id)),
  }));

  app.patch<{ Params: { id: string }; Body: JustRunJobBody }>(
    '/v1/jobs/:id',
    { schema: hidden({ params: IdParams, body: PatchJobBody }), config: { rateClass: 'jobWrites' } },
    async (request) => {
      const { projectId } = callerOf(request);
      const current = await jobs.get(projectId, request.params.id);
      return { data: jobView(await jobs.update(projectId, request.params.id, patchInput(request.body, current))) };
    },
  );

  app.delete<{ Params: { id: string } }>('/v1/jobs/:id', { schema: hidden({ params: IdParams }), config: { rateClass: 'jobWrites' } }, async (request, res) => {
    await jobs.remove(callerOf(request).projectId, request.params.id);
    return res.status(204).send();
  });

  app.post<{ Params: { id: string } }>('/v1/jobs/:id/run', { schema: hidden({ params: IdParams }), config: { rateClass: 'runNow' } }, async (request) => {
    const r = await jobs.runNow(callerOf(request).projectId, request.params.id, false);
    const pending = r.done ? undefined : r.pending;
    if (!pending) throw new AppError('internal', 'The run was recorded before it could be described.');
    return { data: { execution_id: pending.runId, job_id: pending.jobId, status: 'pending', triggered_by: 'manual', started_at: isoOf(pending.scheduledFor) } };
  });

  app.post<{ Params: { id: string } }>('/v1/jobs/:id/pause', { schema: hidden({ params: IdParams }), config: { rateClass: 'jobWrites' } }, async (request) => {
    const job = await jobs.pause(callerOf(request).projectId, request.params.id);
    return { data: { id: job.id, status: job.status, paused_at: isoOf(job.updatedAt) } };
  });

  app.post<{ Params: { id: string } }>('/v1/jobs/:id/resume', { schema: hidden({ params: IdParams }), config: { rateClass: 'jobWrites' } }, async (request) => {
    const job = await jobs.resume(callerOf(request).projectId, request.params.id);
    return { data: { id: job.id, status: job.status, next_run_at: isoOf(job.nextRunAt), resumed_at: isoOf(job.updatedAt) } };
  });

  app.get<{ Params: { id: string }; Querystring: { page: number; per_page: number } }>(
    '/v1/jobs/:id/executions',
    { schema: hidden({ params: IdParams, querystring: PageQuery }) },
    async (request) => {
      const { page, per_page } = request.query;
      const { items, total } = await jobs.runOutcomes(callerOf(request).projectId, request.params.id, { page, perPage: per_page });
      return { data: items.map(executionView), meta: meta(page, per_page, total) };
    },
  );

  // --- spaces ---------------------------------------------------------------------------------

  app.get('/v1/spaces', { schema: hidden({}) }, async (request) => {
    const { projectId } = callerOf(request);
    const all = await everyPage((page) => spaces.list(projectId, page));
    return { data: all.map(spaceView).map(({ updated_at: _u, ...s }) => s) };
  });

  app.post<{ Body: { name: string; timezone?: string } }>('/v1/spaces', { schema: hidden({ body: CreateSpaceBody }) }, async (request, res) => {
    const { updated_at: _u, ...space } = spaceView(await spaces.create(callerOf(request).projectId, request.body));
    return res.status(201).send({ data: space });
  });

  app.patch<{ Params: { id: string }; Body: { name?: string; timezone?: string } }>(
    '/v1/spaces/:id',
    { schema: hidden({ params: IdParams, body: PatchSpaceBody }) },
    async (request) => {
      const { created_at: _c, ...space } = spaceView(await spaces.update(callerOf(request).projectId, request.params.id, request.body));
      return { data: space };
    },
  );

  app.delete<{ Params: { id: string } }>('/v1/spaces/:id', { schema: hidden({ params: IdParams }) }, async (request, res) => {
    await spaces.remove(callerOf(request).projectId, request.params.id);
    return res.status(204).send();
  });

  app.post<{ Params: { id: string } }>('/v1/spaces/:id/pause', { schema: hidden({ params: IdParams }) }, async (request) => {
    const r = await spaces.pause(callerOf(request).projectId, request.params.id);
    return { data: { id: r.space.id, status: 'paused', jobs_paused: r.jobsAffected, paused_at: new Date().toISOString() } };
  });

  app.post<{ Params: { id: string } }>('/v1/spaces/:id/resume', { schema: hidden({ params: IdParams }) }, async (request) => {
    const r = await spaces.resume(callerOf(request).projectId, request.params.id);
    return { data: { id: r.space.id, status: 'active', jobs_resumed: r.jobsAffected, resumed_at: new Date().toISOString() } };
  });

  // --- alert channels -------------------------------------------------------------------------

  app.get('/v1/alerts/channels', { schema: hidden({}) }, async (request) => {
    const { projectId } = callerOf(request);
    return { data: (await everyPage((page) => alerts.listChannels(projectId, page))).map(channelView) };
  });

  app.post<{ Body: { type: JustRunChannelType; name: string; config: Record<string, unknown> } }>(
    '/v1/alerts/channels',
    { schema: hidden({ body: CreateChannelBody }) },
    async (request, res) => {
      const { type, name, config } = request.body;
      const made = await alerts.createRuleWithChannel(
        callerOf(request).projectId,
        { type, name, config: channelConfigInput(type, config) },
        // Every failure and recovery of every job, as JustRun's channels receive them.
        { name, events: channelEvents(type), consecutiveFailuresThreshold: 1, cooldownMinutes: 0 },
      );
      return res.status(201).send({ data: channelView(made.channels[0]!) });
    },
  );

  app.delete<{ Params: { id: string } }>('/v1/alerts/channels/:id', { schema: hidden({ params: IdParams }) }, async (request, res) => {
    await alerts.removeChannel(callerOf(request).projectId, request.params.id, { ownRules: true });
    return res.status(204).send();
  });

  app.post<{ Params: { id: string } }>('/v1/alerts/channels/:id/test', { schema: hidden({ params: IdParams }) }, async (request) => {
    const r = await alerts.testChannel(callerOf(request).projectId, request.params.id);
    const why = r.error ?? (r.statusCode !== null ? `the receiver answered ${r.statusCode}` : 'no answer');
    return { data: { channel_id: request.params.id, status: r.delivered ? 'delivered' : 'failed', message: r.delivered ? 'Test notification sent successfully' : `Test notification failed: ${why}` } };
  });

  // --- API keys -------------------------------------------------------------------------------

  app.get('/v1/api-keys', { schema: hidden({}), config: { scope: 'admin' } }, async (request) => {
    const caller = callerOf(request);
    return { data: (await everyPage((page) => apiKeys.list(caller, page))).map(apiKeyView) };
  });

  app.post<{ Body: { name: string } }>('/v1/api-keys', { schema: hidden({ body: CreateKeyBody }), config: { scope: 'admin' } }, async (request, res) => {
    const { apiKey, key } = await apiKeys.create(callerOf(request), { name: request.body.name, scopes: ['read', 'write', 'admin'] }, keyStyle);
    return res.status(201).send({ data: { id: apiKey.id, name: apiKey.name, key, created_at: isoOf(apiKey.createdAt) } });
  });

  app.delete<{ Params: { id: string } }>('/v1/api-keys/:id', { schema: hidden({ params: IdParams }), config: { scope: 'admin' } }, async (request, res) => {
    await apiKeys.revoke(callerOf(request), request.params.id);
    return res.status(204).send();
  });

  // --- billing --------------------------------------------------------------------------------

  app.get('/v1/billing/usage', { schema: hidden({}) }, async (request) => {
    const u = await plans.usage(callerOf(request).projectId);
    return {
      data: {
        plan: u.plan,
        billing_period: billingPeriod(Date.now()),
        jobs: { used: u.usage.jobs.used, limit: u.usage.jobs.limit },
        executions: { used: u.usage.monthlyRuns.used, limit: u.usage.monthlyRuns.limit },
        // Kairos has no AI diagnoses yet: none used, none limited.
        ai_diagnoses: { used: 0, limit: null, resets_at: u.usage.dailyRuns.resetsAt },
      },
    };
  });

  const notConfigured = (res: FastifyReply) => res.status(501).send(errorBody('billing_not_configured', 'Billing is not configured on this server; plans are assigned by its operator.'));
  // Any key may ask (and learn that billing is not there): these change nothing.
  app.post('/v1/billing/checkout', { schema: hidden({ body: CheckoutBody }), config: { scope: 'read' } }, async (_request, res) => notConfigured(res));
  app.post('/v1/billing/portal', { schema: hidden({}), config: { scope: 'read' } }, async (_request, res) => notConfigured(res));

  // --- migrate -------------------------------------------------------------------------------

  // JustRun fetches the jobs with the user's key (cron-job.org, EasyCron) or takes them as given
  // (json); every job is one entry of the answer, as in the native import.
  const migrate = (format: 'cronjob-org' | 'easycron') =>
    app.post<{ Body: { api_key: string; space_id?: string | null } }>(
      `/v1/migrate/${format}`,
      { schema: hidden({ body: MigrateKeyBody }) },
      async (request) => ({ data: migrateView(await imports.run(callerOf(request), { format, apiKey: request.body.api_key, spaceId: request.body.space_id ?? undefined })) }),
    );
  migrate('easycron');
  migrate('cronjob-org');

  app.post<{ Body: { jobs: unknown[]; space_id?: string | null } }>(
    '/v1/migrate/json',
    { schema: hidden({ body: MigrateJsonBody }), bodyLimit: importBodyLimit },
    async (request) => ({ data: migrateView(await imports.run(callerOf(request), { format: 'justrun', source: { jobs: request.body.jobs }, spaceId: request.body.space_id ?? undefined })) }),
  );

  // --- badges ---------------------------------------------------------------------------------

  const svg = (res: FastifyReply, body: string) => res.header('cache-control', 'public, max-age=60').header('x-content-type-options', 'nosniff').type('image/svg+xml; charset=utf-8').send(body);
  app.get<{ Params: { job_id: string } }>('/badges/:job_id/status.svg', { schema: hidden({ params: JobIdParams }), config: { public: true } }, async (request, res) =>
    svg(res, await badges.status(request.params.job_id)),
  );
  app.get<{ Params: { job_id: string } }>('/badges/:job_id/uptime.svg', { schema: hidden({ params: JobIdParams }), config: { public: true } }, async (request, res) =>
    svg(res, await badges.uptime(request.params.job_id)),
  );
}
