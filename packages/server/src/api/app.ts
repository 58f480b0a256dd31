import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RateLimits } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { AccountsService } from '../service/accounts.js';
import type { AlertsService } from '../service/alerts.js';
import type { ApiKeysService } from '../service/apiKeys.js';
import type { ExecutionsService } from '../service/executions.js';
import type { JobsService } from '../service/jobs.js';
import type { PlansService } from '../service/plans.js';
import type { BadgesService } from '../service/badges.js';
import type { InboundWebhooksService } from '../service/inboundWebhooks.js';
import type { ProjectSettingsService } from '../service/projectSettings.js';
import type { SigningSecretsService } from '../service/signingSecrets.js';
import type { SparklinesService } from '../service/sparklines.js';
import type { HealthService } from '../service/health.js';
import type { SpacesService } from '../service/spaces.js';
import type { ExportsService } from '../service/exports.js';
import type { ImportsService } from '../service/imports.js';
import { registerAuthentication } from './authenticate.js';
import { clientErrors, frameworkErrors, registerErrorHandling } from './errors.js';
import { registerOpenApi, registerOpenApiRoutes } from './plugins/openapi.js';
import { registerRateLimits } from './plugins/rateLimits.js';
import { alertRoutes } from './v1/routes/alerts.js';
import { apiKeyRoutes } from './v1/routes/apiKeys.js';
import { badgeRoutes } from './v1/routes/badges.js';
import { inboundRate, inboundWebhookRoutes, slugOf } from './v1/routes/inboundWebhooks.js';
import { projectSettingsRoutes } from './v1/routes/projectSettings.js';
import { sparklineRoutes } from './v1/routes/sparklines.js';
import { authRoutes } from './v1/routes/auth.js';
import { healthRoutes } from './v1/routes/health.js';
import { executionRoutes } from './v1/routes/executions.js';
import { jobRoutes } from './v1/routes/jobs.js';
import { metricsRoutes } from './v1/routes/operations.js';
import { planRoutes } from './v1/routes/plans.js';
import { signingSecretRoutes } from './v1/routes/signingSecrets.js';
import { spaceRoutes } from './v1/routes/spaces.js';
import { projectRoutes } from './v1/routes/projects.js';
import { importRoutes } from './v1/routes/imports.js';
import { validatorCompiler } from './validation.js';
import type { LiveFeed } from '../service/liveFeed.js';
import type { SchedulePreviewService } from '../service/schedulePreview.js';
import type { StreamTokens } from '../service/streamTokens.js';
import { schedulePreviewRoutes } from './v1/routes/schedulePreview.js';
import { streamRoutes } from './v1/routes/stream.js';
import { registerDashboard } from './plugins/dashboard.js';
import { upcomingRunRoutes } from './v1/routes/upcomingRuns.js';
import { booperPlugin } from './compat/booper/plugin.js';
import { donutworkPlugin } from './compat/donutwork/plugin.js';
import { runnerCreateRate, runnerPlugin } from './compat/runner/plugin.js';
import type { DialectErrors } from './compat/door.js';
import { runhooksPlugin } from './compat/runhooks/plugin.js';
import { justRunPlugin } from './compat/justrun/plugin.js';

export interface AppDeps {
  logger: Logger;
  health: HealthService;
  accounts: AccountsService;
  apiKeys: ApiKeysService;
  jobs: JobsService;
  executions: ExecutionsService;
  spaces: SpacesService;
  plans: PlansService;
  signingSecrets: SigningSecretsService;
  projectSettings: ProjectSettingsService;
  inboundWebhooks: InboundWebhooksService;
  badges: BadgesService;
  sparklines: SparklinesService;
  /** KAIROS_PUBLIC_URL: the base of the URLs handed out; each request's host when absent. */
  publicUrl?: string;
  alerts: AlertsService;
  imports: ImportsService;
  exports: ExportsService;
  metrics: Metrics;
  /** Bearer token `/metrics` wants; public when absent. */
  metricsToken?: string;
  rateLimits: RateLimits;
  /** Shared rate-limit counters (and a dependency /health reports); in memory when absent. */
  redis?: Redis;
  redisPrefix?: string;
  /** Fastify's `trustProxy`: whose `X-Forwarded-For` names the client. */
  trustProxy?: boolean | number | string;
  schedulePreviews: SchedulePreviewService;
  streamTokens: StreamTokens;
  liveFeed: LiveFeed;
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
  registerErrorHandling(app, { dashboard: deps.dashboardDir !== undefined });
  app.decorate('doorErrors', doorErrors);
  // The native API takes JSON only: a text body is a 415, not a string the schema calls "not an object".
  app.removeContentTypeParser('text/plain');
  await registerOpenApi(app);

  // Counted per address before the bearer is checked, and per caller once it is known.
  const limits = await registerRateLimits(app, {
    limits: deps.rateLimits,
    redis: deps.redis,
    redisPrefix: deps.redisPrefix,
    onLimited: (rateClass) => deps.metrics.rateLimited(rateClass),
    planRates: (projectId) => deps.plans.currentPlan(projectId),
  });
  app.addHook('onRequest', limits.byAddress);
  registerAuthentication(app, deps.accounts);
  app.addHook('onRequest', limits.byCaller);

  healthRoutes(app, { health: deps.health, redis: deps.redis, startedAt: Date.now() });
  metricsRoutes(app, deps.metrics, deps.metricsToken);
  authRoutes(app, deps.accounts, deps.apiKeys);
  projectRoutes(app, deps.accounts);
  projectSettingsRoutes(app, deps.projectSettings);
  apiKeyRoutes(app, deps.apiKeys);
  sparklineRoutes(app, deps.sparklines);
  jobRoutes(app, deps.jobs);
  executionRoutes(app, deps.executions);
  spaceRoutes(app, deps.spaces);
  planRoutes(app, deps.plans, deps.accounts);
  signingSecretRoutes(app, deps.signingSecrets);
  // One count per inbound URL, whichever door it is posted through.
  const limitInbound = limits.keyed('inbound', inboundRate, slugOf);
  inboundWebhookRoutes(app, deps.inboundWebhooks, { publicUrl: deps.publicUrl, limitPerSlug: limitInbound });
  badgeRoutes(app, deps.badges);
  alertRoutes(app, deps.alerts);
  schedulePreviewRoutes(app, deps.schedulePreviews);
  upcomingRunRoutes(app, deps.schedulePreviews);
  streamRoutes(app, { accounts: deps.accounts, tokens: deps.streamTokens, feed: deps.liveFeed, jobs: deps.jobs });
  importRoutes(app, deps.imports, deps.exports);
  // Other products' APIs, each with its own auth, errors and 404s (src/api/compat/<product>).
  const callerKey = (r: FastifyRequest) => r.caller?.keyId ?? r.caller?.userId ?? r.ip;
  await app.register(runnerPlugin, { prefix: '/compat/runner', accounts: deps.accounts, jobs: deps.jobs, inboundWebhooks: deps.inboundWebhooks, limitCreates: limits.keyed('runnerCreates', runnerCreateRate, callerKey), limitPerSlug: limitInbound });
  await app.register(booperPlugin, { prefix: '/compat/booper', accounts: deps.accounts, jobs: deps.jobs });
  await app.register(donutworkPlugin, { prefix: '/compat/donutwork', accounts: deps.accounts, jobs: deps.jobs });
  // Runhooks and JustRun use the shared bearer hook (`config.bearer`): it runs before the per-caller
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
    startedAt: Date.now(),
  });
  await app.register(justRunPlugin, {
    prefix: '/compat/justrun',
    jobs: deps.jobs,
    spaces: deps.spaces,
    alerts: deps.alerts,
    apiKeys: deps.apiKeys,
    plans: deps.plans,
    sparklines: deps.sparklines,
    badges: deps.badges,
    imports: deps.imports,
  });
  await registerOpenApiRoutes(app);
  await registerDashboard(app, deps.dashboardDir);
  return app;
}
