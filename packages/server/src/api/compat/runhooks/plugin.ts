/**
 * The Runhooks API (seed 001) under `/compat/runhooks`: clients set their base URL to
 * `http://HOST/compat/runhooks/api/v1`. Every answer is `{ success, data, message? }` or
 * `{ success: false, error }`; every call is one service use case.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Redis } from 'ioredis';
import { version } from '../../../config.js';
import { AppError } from '../../../domain/errors.js';
import { isoOf } from '../../../domain/instant.js';
import type { JobStatus } from '../../../domain/jobState.js';
import type { AccountsService } from '../../../service/accounts.js';
import type { AlertsService } from '../../../service/alerts.js';
import type { ApiKeysService } from '../../../service/apiKeys.js';
import type { ExecutionListFilter, ExecutionsService } from '../../../service/executions.js';
import type { HealthService } from '../../../service/health.js';
import type { JobsService } from '../../../service/jobs.js';
import type { PlansService } from '../../../service/plans.js';
import { callerOf, registerBearerAuthentication } from '../../authenticate.js';
import { checkRedis } from '../../v1/routes/health.js';
import { acceptJsonOnly, nullMeansAbsent, registerDialectErrors } from '../door.js';
import {
  CreateAlertBody,
  CreateJobBody,
  ExecutionsQuery,
  IdParams,
  JobExecutionsQuery,
  JobListQuery,
  LoginBody,
  RefreshBody,
  RegisterAnonymousBody,
  RegisterBody,
  UpdateAlertBody,
  UpdateJobBody,
} from './schemas.js';
import {
  alertView,
  channelInput,
  createInput,
  executionView,
  jobView,
  limitsView,
  pageOf,
  patchInput,
  rateLimitHeaders,
  type RunhooksAlertBody,
  type RunhooksJobBody,
  runhooksMessage,
  ruleInput,
  scheduleIssue,
} from './translate.js';

export interface RunhooksOptions {
  accounts: AccountsService;
  apiKeys: ApiKeysService;
  jobs: JobsService;
  executions: ExecutionsService;
  alerts: AlertsService;
  plans: PlansService;
  health: HealthService;
  redis?: Redis;
  startedAt: number;
  /** Counts a request against its caller's limits, once the bearer has named the caller. */
  limitPerCaller: onRequestAsyncHookHandler;
}

/** Keys this door issues carry Runhooks' prefix, and its listing shows four characters after it (`rh_live_abc1`). */
const keyStyle = { prefix: 'rh_live_', shownChars: 4 } as const;

const ok = (data: unknown, message?: string) => ({ success: true, ...(message !== undefined ? { message } : {}), data });
const failure = (error: string) => ({ success: false, error });

// Routes the native OpenAPI document leaves out.
const hidden = <T extends object>(schema: T) => ({ ...schema, hide: true });

export async function runhooksPlugin(app: FastifyInstance, deps: RunhooksOptions): Promise<void> {
  const { accounts, apiKeys, jobs, executions, alerts, plans } = deps;

  // JSON only; an empty body where a route takes none (run, pause, rotate-key…) is no body.
  acceptJsonOnly(app);
  // null for an optional field is not given; an alert's jobId takes null for every job.
  nullMeansAbsent(app, ['jobId']);
  // Its table has no 415 or 422: a body it cannot use is a 400.
  registerDialectErrors(app, { status: ({ status }) => (status === 422 || status === 415 ? 400 : status), body: (f) => failure(runhooksMessage(f)) });
  // Its keys and sign-ins are the native API's: the same bearer check, scopes and per-caller limits.
  registerBearerAuthentication(app, accounts, deps.limitPerCaller);

  // Draft-7 headers beside the native ones, for the tightest limit the request was counted against.
  app.addHook('onSend', async (request, reply) => {
    if (request.rateLimitUsage) reply.headers(rateLimitHeaders(request.rateLimitUsage));
  });

  /** What `/auth/me` calls the account: the project's owner, or the project itself when it has none. */
  async function accountId(request: FastifyRequest): Promise<string> {
    const profile = await accounts.profile(callerOf(request));
    return profile.user?.id ?? profile.project.id;
  }

  // --- accounts -------------------------------------------------------------------------------

  app.post<{ Body: { email: string; password: string; name: string } }>(
    '/api/v1/auth/register',
    { schema: hidden({ body: RegisterBody }), config: { public: true, identify: true, rateClass: 'registration' } },
    async (request, reply) => {
      const r = await accounts.register(request.body, request.principal, keyStyle);
      const plan = await plans.currentPlan(r.project.id);
      return reply.status(201).send(
        ok(
          {
            user: { id: r.user.id, email: r.user.email, name: r.user.name, plan: plan.name, role: r.user.isAdmin ? 'admin' : 'user' },
            tokens: { accessToken: r.accessToken, refreshToken: r.refreshToken },
            apiKey: r.apiKey,
          },
          'Registration successful. Save the API key -- it cannot be retrieved again.',
        ),
      );
    },
  );

  app.post<{ Body: { name?: string } | undefined }>(
    '/api/v1/auth/register-anonymous',
    { schema: hidden({ body: RegisterAnonymousBody }), config: { public: true, identify: true, rateClass: 'registration' } },
    async (request, reply) => {
      const r = await accounts.registerAnonymous(request.body?.name ?? 'Anonymous', request.principal, keyStyle);
      const plan = await plans.currentPlan(r.project.id);
      return reply
        .status(201)
        .send(ok({ user: { id: r.project.id, name: r.project.name, plan: plan.name, role: 'user', isAnonymous: true }, apiKey: r.apiKey }, 'Anonymous account created. Save the API key -- it cannot be retrieved again.'));
    },
  );

  app.post<{ Body: { email: string; password: string } }>(
    '/api/v1/auth/login',
    { schema: hidden({ body: LoginBody }), config: { public: true, rateClass: 'login' } },
    async (request) => {
      const r = await accounts.login(request.body);
      return ok(
        { user: { id: r.user.id, email: r.user.email, name: r.user.name, role: r.user.isAdmin ? 'admin' : 'user' }, tokens: { accessToken: r.accessToken, refreshToken: r.refreshToken } },
        'Login successful',
      );
    },
  );

  app.post<{ Body: { refreshToken: string } }>(
    '/api/v1/auth/refresh',
    { schema: hidden({ body: RefreshBody }), config: { public: true, rateClass: 'login' } },
    async (request) => {
      const r = await accounts.refresh(request.body.refreshToken);
      return ok({ accessToken: r.accessToken, refreshToken: r.refreshToken }, 'Token refreshed');
    },
  );

  app.get('/api/v1/auth/me', { schema: hidden({}) }, async (request) => {
    const caller = callerOf(request);
    const [profile, plan, keys] = await Promise.all([accounts.profile(caller), plans.currentPlan(caller.projectId), apiKeys.list(caller, { page: 1, perPage: 1 })]);
    const user = profile.user;
    // Signed in with a session token, the account's key is its newest live one.
    const key = profile.apiKey ?? keys.items[0] ?? null;
    return ok({
      id: user?.id ?? profile.project.id,
      email: user?.email ?? null,
      name: user?.name ?? profile.project.name,
      role: user?.isAdmin ? 'admin' : 'user',
      plan: plan.name,
      isAnonymous: user === null,
      apiKeyPrefix: key?.prefix ?? null,
      createdAt: isoOf(user?.createdAt ?? profile.project.createdAt),
      updatedAt: isoOf(user?.updatedAt ?? profile.project.createdAt),
    });
  });

  app.post('/api/v1/auth/rotate-key', { schema: hidden({}), config: { scope: 'admin' } }, async (request) => {
    const caller = callerOf(request);
    // Signed in with a session (Runhooks' dashboard), it is the account's key: its newest live one.
    const keyId = caller.keyId ?? (await apiKeys.list(caller, { page: 1, perPage: 1 })).items[0]?.id;
    const { apiKey, key } = await apiKeys.rotate(caller, keyId);
    return ok({ apiKey: key, apiKeyPrefix: apiKey.prefix }, 'API key rotated. Save the new key -- it cannot be retrieved again.');
  });

  // --- jobs -----------------------------------------------------------------------------------

  type JobBody = RunhooksJobBody & Parameters<typeof createInput>[0];

  app.post<{ Body: JobBody }>('/api/v1/jobs', { schema: hidden({ body: CreateJobBody }), config: { rateClass: 'jobWrites' } }, async (request, reply) => {
    const caller = callerOf(request);
    const issue = scheduleIssue(request.body.schedule);
    if (issue) throw AppError.validation([issue]);
    const { job } = await jobs.create(caller.projectId, createInput(request.body));
    return reply.status(201).send(ok(jobView(job), 'Job created successfully'));
  });

  app.get<{ Querystring: { page: number; limit: number; status?: JobStatus; tag?: string; name?: string } }>(
    '/api/v1/jobs',
    { schema: hidden({ querystring: JobListQuery }) },
    async (request) => {
      const { page, limit, status, tag, name } = request.query;
      const { items, total } = await jobs.list(callerOf(request).projectId, { status, tag, namePattern: name }, { page, perPage: limit });
      return ok(pageOf(items.map(jobView), total, page, limit));
    },
  );

  app.get<{ Params: { id: string } }>('/api/v1/jobs/:id', { schema: hidden({ params: IdParams }) }, async (request) =>
    ok(jobView(await jobs.get(callerOf(request).projectId, request.params.id))),
  );

  const update = async (request: FastifyRequest<{ Params: { id: string }; Body: RunhooksJobBody }>) => {
    const caller = callerOf(request);
    const issue = request.body.schedule && scheduleIssue(request.body.schedule);
    if (issue) throw AppError.validation([issue]);
    const current = await jobs.get(caller.projectId, request.params.id);
    const job = await jobs.update(caller.projectId, request.params.id, patchInput(request.body, current));
    return ok(jobView(job), 'Job updated successfully');
  };
  const updateOptions = { schema: hidden({ params: IdParams, body: UpdateJobBody }), config: { rateClass: 'jobWrites' as const } };
  app.patch<{ Params: { id: string }; Body: RunhooksJobBody }>('/api/v1/jobs/:id', updateOptions, update);
  app.put<{ Params: { id: string }; Body: RunhooksJobBody }>('/api/v1/jobs/:id', updateOptions, update);

  app.delete<{ Params: { id: string } }>('/api/v1/jobs/:id', { schema: hidden({ params: IdParams }), config: { rateClass: 'jobWrites' } }, async (request) => {
    await jobs.remove(callerOf(request).projectId, request.params.id);
    return { success: true, message: 'Job deleted successfully' };
  });

  app.get<{ Params: { id: string }; Querystring: { page: number; limit: number; status?: string } }>(
    '/api/v1/jobs/:id/executions',
    { schema: hidden({ params: IdParams, querystring: JobExecutionsQuery }) },
    async (request) => {
      const { projectId } = callerOf(request);
      const { page, limit, status } = request.query;
      await jobs.get(projectId, request.params.id);
      const { items, total } = await executions.list(projectId, { jobId: request.params.id, status: status as ExecutionListFilter['status'] }, { page, perPage: limit }, { unfinishedRuns: true });
      return ok(pageOf(items.map(executionView), total, page, limit));
    },
  );

  // --- executions -----------------------------------------------------------------------------

  app.get<{ Querystring: { page: number; limit: number; status?: string; jobId?: string } }>(
    '/api/v1/executions',
    { schema: hidden({ querystring: ExecutionsQuery }) },
    async (request) => {
      const { projectId } = callerOf(request);
      const { page, limit, status, jobId } = request.query;
      if (jobId !== undefined) await jobs.get(projectId, jobId);
      const { items, total } = await executions.list(projectId, { jobId, status: status as ExecutionListFilter['status'] }, { page, perPage: limit }, { unfinishedRuns: true });
      return ok(pageOf(items.map(executionView), total, page, limit));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/executions/:id/replay',
    { schema: hidden({ params: IdParams }), config: { rateClass: 'replay' } },
    async (request, reply) => {
      const r = await executions.replay(callerOf(request).projectId, request.params.id);
      return reply.status(202).send(ok({ jobId: r.jobId, replayOf: r.replayOf, status: 'pending' }, 'Execution replay enqueued'));
    },
  );

  // --- alerts ---------------------------------------------------------------------------------

  app.post<{ Body: RunhooksAlertBody & { name: string; channel: 'email' | 'webhook' | 'slack'; target: string } }>(
    '/api/v1/alerts',
    { schema: hidden({ body: CreateAlertBody }) },
    async (request, reply) => {
      const { projectId } = callerOf(request);
      const b = request.body;
      const made = await alerts.createRuleWithChannel(projectId, channelInput(b.name, b.channel, b.target), ruleInput(b, true));
      return reply.status(201).send(ok(alertView(made, await accountId(request)), 'Alert config created'));
    },
  );

  app.get('/api/v1/alerts', { schema: hidden({}) }, async (request) => {
    const [all, userId] = await Promise.all([alerts.listRulesWithChannels(callerOf(request).projectId), accountId(request)]);
    return ok(all.map((a) => alertView(a, userId)));
  });

  app.get<{ Params: { id: string } }>('/api/v1/alerts/:id', { schema: hidden({ params: IdParams }) }, async (request) =>
    ok(alertView(await alerts.getRuleWithChannels(callerOf(request).projectId, request.params.id), await accountId(request))),
  );

  app.put<{ Params: { id: string }; Body: RunhooksAlertBody }>(
    '/api/v1/alerts/:id',
    { schema: hidden({ params: IdParams, body: UpdateAlertBody }) },
    async (request) => {
      const { projectId } = callerOf(request);
      const b = request.body;
      let channel: { type: string; name: string; config?: unknown } | undefined;
      if (b.channel !== undefined || b.target !== undefined || b.name !== undefined) {
        const current = await alerts.getRuleWithChannels(projectId, request.params.id);
        const now = alertView(current, '');
        const kind = b.channel ?? now.channel;
        if (b.channel !== undefined && b.target === undefined && b.channel !== now.channel) throw AppError.validation([{ field: 'target', issue: `is required when the channel changes to ${b.channel}` }]);
        if (kind !== 'email' && kind !== 'webhook' && kind !== 'slack') throw AppError.validation([{ field: 'channel', issue: 'must be one of email, webhook, slack' }]);
        // Targets are shown masked, so only a new target replaces the channel's config; a new name renames it.
        const made = channelInput(b.name ?? current.rule.name, kind, b.target ?? '');
        channel = { ...made, config: b.target !== undefined ? made.config : undefined };
      }
      const updated = await alerts.updateRuleWithChannel(projectId, request.params.id, ruleInput(b, false), channel);
      return ok(alertView(updated, await accountId(request)), 'Alert config updated');
    },
  );

  app.delete<{ Params: { id: string } }>('/api/v1/alerts/:id', { schema: hidden({ params: IdParams }) }, async (request) => {
    await alerts.removeRule(callerOf(request).projectId, request.params.id, { ownChannels: true });
    return { success: true, message: 'Alert config deleted' };
  });

  // --- usage and health -----------------------------------------------------------------------

  app.get('/api/v1/usage/me', { schema: hidden({}) }, async (request) => {
    const usage = await plans.usage(callerOf(request).projectId);
    return ok({ plan: usage.plan, limits: limitsView(usage.limits), usage: usage.usage });
  });

  app.get('/api/v1/health', { schema: hidden({}), config: { public: true, rateLimit: false } }, async (_request, reply: FastifyReply) => {
    const [database, redis] = await Promise.all([deps.health.database(), deps.redis ? checkRedis(deps.redis) : undefined]);
    const healthy = database.status === 'ok' && (redis === undefined || redis.status === 'ok');
    return reply.status(healthy ? 200 : 503).send({
      success: healthy,
      data: {
        status: healthy ? 'ok' : 'degraded',
        version,
        uptime: Math.floor((Date.now() - deps.startedAt) / 1000),
        timestamp: new Date().toISOString(),
        services: { database, ...(redis ? { redis } : {}) },
      },
    });
  });
}
