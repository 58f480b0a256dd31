import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { buildApp } from './api/app.js';
import { type Config, version } from './config.js';
import { alertSender } from './alerts/sendNotice.js';
import { jobLinkBase } from './alerts/notice.js';
import { dashboardDir } from './dashboardDir.js';
import { createEmailDelivery } from './delivery/email.js';
import { createHttpDelivery } from './delivery/httpDelivery.js';
import { createTargetPolicy, parseAllowList, type Resolver } from './delivery/targetPolicy.js';
import { Engine, type EngineSeams } from './engine/engine.js';
import { createMetrics } from './metrics.js';
import { closeRedis, connectRedis } from './redis.js';
import { createAccountsService } from './service/accounts.js';
import { createAlertsService } from './service/alerts.js';
import { createApiKeysService } from './service/apiKeys.js';
import { createExecutionsService } from './service/executions.js';
import { createJobsService } from './service/jobs.js';
import { createPlansService } from './service/plans.js';
import { startRetention } from './service/retention.js';
import { QuotaGate } from './engine/quotaGate.js';
import { createBadgesService } from './service/badges.js';
import { createInboundWebhooksService } from './service/inboundWebhooks.js';
import { createProjectSettingsService } from './service/projectSettings.js';
import { createSigningSecretsService } from './service/signingSecrets.js';
import { createSparklinesService } from './service/sparklines.js';
import { createHealthService } from './service/health.js';
import { createSpacesService } from './service/spaces.js';
import { createExportsService } from './service/exports.js';
import { createImportsService } from './service/imports.js';
import { createSessionTokens, loadSessionSecret } from './service/sessions.js';
import { openStore } from './store/connect.js';
import { jobVariable } from './domain/jobVariable.js';
import { createLiveFeed } from './service/liveFeed.js';
import { createSchedulePreviewService } from './service/schedulePreview.js';
import { createStreamTokens } from './service/streamTokens.js';

export interface RunningServer {
  url: string;
  engine: Engine;
  logger: Logger;
  /** The HTTP app, for embedding and tests (inject, routes). */
  app: FastifyInstance;
  /** Graceful stop: no new requests or claims, in-flight deliveries finish, leases released. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Name resolution for delivery targets; the system resolver unless a test brings its own. */
  resolver?: Resolver;
  /** False builds the app without starting the engine or listening (e.g. to read its OpenAPI document). */
  listen?: boolean;
  /** Wraps what the engine calls out to (its HTTP delivery, `$job` view, observer): fault tests inject throws here. */
  engineSeams?: (seams: EngineSeams) => EngineSeams;
  /** The dashboard's built files; packages/web/dist when built. */
  dashboardDir?: string;
}

/** The one place where the parts are wired together. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const policy = createTargetPolicy(parseAllowList(config.allowTargets), options.resolver);
  const store = await openStore(config.databaseUrl);
  let sessionSecret: string;
  try {
    sessionSecret = await loadSessionSecret(store, config.jwtSecret);
  } catch (err) {
    await store.close();
    throw err;
  }
  // Rate-limit counters shared by every node; a Redis that is down delays nothing and refuses nothing.
  const redis: Redis | undefined = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const metrics = createMetrics();
  const delivery = createHttpDelivery({ policy, connectionsPerOrigin: config.engine.perOriginConcurrency });
  const email = createEmailDelivery({ smtpUrl: config.smtpUrl, from: config.emailFrom, resendApiKey: config.resendApiKey, resendApiUrl: config.resendApiUrl, http: delivery });
  const quota = new QuotaGate(config.plans, config.defaultPlan);
  const userAgent = `Kairos/${version}`;
  const sendAlert = alertSender({ delivery, email, telegramApiUrl: config.telegramApiUrl, userAgent, db: store.db, dialect: store.dialect, logger });
  // Other nodes' attempts are found by polling; this node's own wake the streams at once.
  const liveFeed = createLiveFeed({ store, pollMs: store.dialect.liveFeed.pollMs, lookbackMs: store.dialect.liveFeed.lookbackMs });
  const seams: EngineSeams = { delivery, jobVariable, observer: metrics.engineObserver };
  const engine = new Engine({
    store,
    email,
    telegramApiUrl: config.telegramApiUrl,
    tuning: config.engine,
    logger,
    userAgent,
    quota,
    ...(options.engineSeams?.(seams) ?? seams),
    sendAlert,
    publicUrl: jobLinkBase(config.publicUrl, dashboardDir() !== undefined),
    recorded: (projectIds) => liveFeed.recorded(projectIds),
  });
  metrics.watchEngine(() => engine.stats());
  const sessions = createSessionTokens(sessionSecret);
  const accounts = createAccountsService({ store, sessions, registration: config.registration });
  const apiKeys = createApiKeysService(store);
  const plans = createPlansService({ store, plans: config.plans, defaultPlan: config.defaultPlan });
  const jobs = createJobsService({ store, engine, plans, checkUrl: policy.checkUrl, allowListed: policy.allowListed, destinations: { telegramApiUrl: config.telegramApiUrl, emailUnavailable: email.unavailable }, horizonMs: config.engine.horizonMs, jobsChanged: (projectId, ids) => liveFeed.jobsChanged(projectId, ids) });
  const executions = createExecutionsService({ store, engine });
  const spaces = createSpacesService({ store, jobs });
  const alerts = createAlertsService({
    store,
    plans,
    checkUrl: policy.checkUrl,
    destinations: { telegramApiUrl: config.telegramApiUrl, emailUnavailable: email.unavailable },
    sender: { delivery, email, telegramApiUrl: config.telegramApiUrl, userAgent, logger },
  });
  const signingSecrets = createSigningSecretsService({ store, changed: (projectId) => engine.signingKeysChanged(projectId) });
  const projectSettings = createProjectSettingsService({ store, plans, checkUrl: policy.checkUrl });
  const inboundWebhooks = createInboundWebhooksService({ store, jobs, checkUrl: policy.checkUrl });
  const badges = createBadgesService({ store });
  const sparklines = createSparklinesService({ store });
  const imports = createImportsService({
    store,
    jobs,
    spaces,
    alerts,
    inboundWebhooks,
    projectSettings,
    apis: { cronjobOrgApiUrl: config.cronjobOrgApiUrl, easycronApiUrl: config.easycronApiUrl },
  });
  const exports = createExportsService({ store });

  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({
      logger,
      health: createHealthService(store),
      accounts,
      apiKeys,
      jobs,
      executions,
      spaces,
      plans,
      signingSecrets,
      projectSettings,
      inboundWebhooks,
      badges,
      sparklines,
      publicUrl: config.publicUrl ?? undefined,
      alerts,
      imports,
      exports,
      metrics,
      metricsToken: config.metricsToken,
      rateLimits: config.rateLimits,
      redis,
      redisPrefix: config.redisPrefix,
      trustProxy: config.trustProxy,
      schedulePreviews: createSchedulePreviewService({ store }),
      streamTokens: createStreamTokens({ store, secret: sessionSecret }),
      liveFeed,
      dashboardDir: options.dashboardDir ?? dashboardDir(),
    });
    if (options.listen === false) {
      await app.ready();
    } else {
      await engine.start();
      await app.listen({ port: config.port, host: config.host });
    }
  } catch (err) {
    await app?.close();
    await engine.stop();
    await delivery.close();
    await email.close();
    if (redis) await closeRedis(redis);
    await store.close();
    throw err;
  }
  const address = options.listen === false ? null : app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  let stopRetention = () => {};
  if (options.listen !== false) {
    logger.info({ url, database: store.dialect.kind, node: engine.nodeId }, `Kairos ${version} listening`);
    stopRetention = startRetention(store, config.plans, config.defaultPlan, logger);
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    engine,
    logger,
    app,
    close() {
      closing ??= (async () => {
        stopRetention();
        await app.close();
        await engine.stop();
        await delivery.close();
        await email.close();
        if (redis) await closeRedis(redis);
        await store.close();
      })();
      return closing;
    },
  };
}
