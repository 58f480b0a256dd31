import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RateLimits } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { BadgesService } from '../service/badges.js';
import type { HealthService } from '../service/health.js';
import { decorateCredentials } from './authenticate.js';
import { clientErrors, frameworkErrors, registerErrorHandling } from './errors.js';
import { registerOpenApi, registerOpenApiRoutes } from './plugins/openapi.js';
import { registerRateLimits } from './plugins/rateLimits.js';
import { badgeRoutes } from './v1/routes/badges.js';
import { inboundRate, slugOf } from './v1/routes/inboundWebhooks.js';
import { healthRoute } from './v1/routes/health.js';
import { type V1Options, v1Plugin } from './v1/plugin.js';
import { metricsRoutes } from './v1/routes/operations.js';
import { validatorCompiler } from './validation.js';
import { registerDashboard } from './plugins/dashboard.js';
import { booperPlugin } from './compat/booper/plugin.js';
import { donutworkPlugin } from './compat/donutwork/plugin.js';
import { runnerCreateRate, runnerPlugin } from './compat/runner/plugin.js';
import type { DialectErrors } from './compat/door.js';
import { runhooksPlugin } from './compat/runhooks/plugin.js';
import { justRunPlugin } from './compat/justrun/plugin.js';

/** The services every door calls, and the settings of the app around them. */
export interface AppDeps extends Omit<V1Options, 'health' | 'limitPerCaller' | 'limitPerSlug'> {
  logger: Logger;
  health: HealthService;
  badges: BadgesService;
  metrics: Metrics;
  /** Bearer token `/metrics` wants; public when absent. */
  metricsToken?: string;
  rateLimits: RateLimits;
  /** Shared rate-limit counters (and a dependency /health reports); in memory when absent. */
  redis?: Redis;
  redisPrefix?: string;
  /** Fastify's `trustProxy`: whose `X-Forwarded-For` names the client. */
  trustProxy?: boolean | number | string;
  /** The dashboard's built files, served at `/` when present. */
  dashboardDir?: string;
}

/** A job's body may be 1 MiB; the rest of the request needs a little room around it. */
export const bodyLimit = 1024 * 1024 + 64 * 1024;

const routeTables = new WeakMap<FastifyInstance, { method: string; url: string; hidden: boolean }[]>();

/** Every route registered on an app built here, as its method and path pattern. */
export function routesOf(app: FastifyInstance): readonly { method: string; url: string; hidden: boolean }[] {
  return routeTables.get(app) ?? [];
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Filled by the dialects as they register (compat/door.ts), read for errors raised before routing.
  const doorErrors = new Map<string, DialectErrors>();
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // A line per request would cost more than the request itself at thousands per second.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    return503OnClosing: true,
    frameworkErrors: frameworkErrors(doorErrors),
    clientErrorHandler: clientErrors(doorErrors),
    forceCloseConnections: 'idle',
    // A hop count is accepted at run time though the typings leave it out.
    trustProxy: (deps.trustProxy ?? false) as boolean | string,
  });
  const routes: { method: string; url: string; hidden: boolean }[] = [];
  routeTables.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of typeof route.method === 'string' ? [route.method] : route.method) {
      routes.push({ method, url: route.url, hidden: Boolean((route.schema as { hide?: boolean } | undefined)?.hide) });
    }
  });
  app.setValidatorCompiler(validatorCompiler);
  decorateCredentials(app);
  app.decorate('doorErrors', doorErrors);
  await registerOpenApi(app);

  // Every request counts per address before any door reads its credentials (so a flood of bad
  // tokens stops early), and per caller once its door has named the caller (see each door below).
  const limits = await registerRateLimits(app, {
    limits: deps.rateLimits,
    redis: deps.redis,
    redisPrefix: deps.redisPrefix,
    onLimited: (rateClass) => deps.metrics.rateLimited(rateClass),
    planRates: (projectId) => deps.plans.currentPlan(projectId),
  });
  app.addHook('onRequest', limits.byAddress);
  const health = { health: deps.health, redis: deps.redis, startedAt: Date.now() };
  // One count per inbound URL, whichever door it is posted through.
  const limitInbound = limits.keyed('inbound', inboundRate, slugOf);

  // The native API: its own bearer check, scopes, error envelope and 404s (api/v1/plugin.ts).
  await app.register(v1Plugin, {
    prefix: '/v1',
    accounts: deps.accounts,
    apiKeys: deps.apiKeys,
    jobs: deps.jobs,
    executions: deps.executions,
    spaces: deps.spaces,
    plans: deps.plans,
    signingSecrets: deps.signingSecrets,
    projectSettings: deps.projectSettings,
    inboundWebhooks: deps.inboundWebhooks,
    sparklines: deps.sparklines,
    alerts: deps.alerts,
    imports: deps.imports,
    exports: deps.exports,
    schedulePreviews: deps.schedulePreviews,
    streamTokens: deps.streamTokens,
    liveFeed: deps.liveFeed,
    health,
    publicUrl: deps.publicUrl,
    limitPerCaller: limits.byCaller,
    limitPerSlug: limitInbound,
  });

  // Other products' APIs, each with its own auth, errors and 404s (src/api/compat/<product>).
  // Runhooks and JustRun take the native bearer check into their own plugin, before the per-caller
  // and per-plan limits, whose headers both documents describe, so those count their callers.
  await app.register(runhooksPlugin, {
    prefix: '/compat/runhooks',
    accounts: deps.accounts,
    apiKeys: deps.apiKeys,
    jobs: deps.jobs,
    executions: deps.executions,
    alerts: deps.alerts,
    plans: deps.plans,
    health: deps.health,
    redis: deps.redis,
    startedAt: health.startedAt,
    limitPerCaller: limits.byCaller,
  });
  await app.register(justRunPlugin, {
    prefix: '/compat/justrun',
    accounts: deps.accounts,
    jobs: deps.jobs,
    spaces: deps.spaces,
    alerts: deps.alerts,
    apiKeys: deps.apiKeys,
    plans: deps.plans,
    sparklines: deps.sparklines,
    badges: deps.badges,
    imports: deps.imports,
    limitPerCaller: limits.byCaller,
  });

  // The rest of the server counts per caller before any credential of its own is read: by address,
  // then, as no door has named a caller yet. Its errors and 404s are the native envelope, and a
  // path no route takes is a dashboard deep link when the dashboard is served.
  await app.register(async (site) => {
    site.addHook('onRequest', limits.byCaller);
    registerErrorHandling(site, { dashboard: deps.dashboardDir !== undefined });
    healthRoute(site, health, 'Same as /v1/health');
    metricsRoutes(site, deps.metrics, deps.metricsToken);
    badgeRoutes(site, deps.badges);
    const callerKey = (r: FastifyRequest) => r.caller?.keyId ?? r.caller?.userId ?? r.ip;
    await site.register(runnerPlugin, { prefix: '/compat/runner', accounts: deps.accounts, jobs: deps.jobs, inboundWebhooks: deps.inboundWebhooks, limitCreates: limits.keyed('runnerCreates', runnerCreateRate, callerKey), limitPerSlug: limitInbound });
    await site.register(booperPlugin, { prefix: '/compat/booper', accounts: deps.accounts, jobs: deps.jobs });
    await site.register(donutworkPlugin, { prefix: '/compat/donutwork', accounts: deps.accounts, jobs: deps.jobs });
    await registerOpenApiRoutes(site);
    await registerDashboard(site, deps.dashboardDir);
  });
  return app;
}
