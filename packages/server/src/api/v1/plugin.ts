/**
 * The native API, registered under `/v1`: one plugin per area (routes/), inside one encapsulation
 * context that holds the door's own bearer check, scope enforcement, error envelope and 404s. Its
 * routes are typed by their TypeBox schemas (@fastify/type-provider-typebox): a handler whose
 * answer does not fit its response schema does not compile.
 */
import type { FastifyPluginAsync, onRequestAsyncHookHandler } from 'fastify';
import type { AccountsService } from '../../service/accounts.js';
import type { AlertsService } from '../../service/alerts.js';
import type { ApiKeysService } from '../../service/apiKeys.js';
import type { ExecutionsService } from '../../service/executions.js';
import type { ExportsService } from '../../service/exports.js';
import type { ImportsService } from '../../service/imports.js';
import type { InboundWebhooksService } from '../../service/inboundWebhooks.js';
import type { JobsService } from '../../service/jobs.js';
import type { LiveFeed } from '../../service/liveFeed.js';
import type { PlansService } from '../../service/plans.js';
import type { ProjectSettingsService } from '../../service/projectSettings.js';
import type { SchedulePreviewService } from '../../service/schedulePreview.js';
import type { SigningSecretsService } from '../../service/signingSecrets.js';
import type { SpacesService } from '../../service/spaces.js';
import type { SparklinesService } from '../../service/sparklines.js';
import type { StreamTokens } from '../../service/streamTokens.js';
import { registerBearerAuthentication } from '../authenticate.js';
import { registerErrorHandling } from '../errors.js';
import { alertRoutes } from './routes/alerts.js';
import { apiKeyRoutes } from './routes/apiKeys.js';
import { authRoutes } from './routes/auth.js';
import { executionRoutes } from './routes/executions.js';
import { type HealthDeps, healthRoute } from './routes/health.js';
import { importRoutes } from './routes/imports.js';
import { inboundWebhookRoutes } from './routes/inboundWebhooks.js';
import { jobRoutes } from './routes/jobs.js';
import { planRoutes } from './routes/plans.js';
import { projectRoutes } from './routes/projects.js';
import { projectSettingsRoutes } from './routes/projectSettings.js';
import { schedulePreviewRoutes } from './routes/schedulePreview.js';
import { signingSecretRoutes } from './routes/signingSecrets.js';
import { spaceRoutes } from './routes/spaces.js';
import { sparklineRoutes } from './routes/sparklines.js';
import { streamRoutes } from './routes/stream.js';
import { upcomingRunRoutes } from './routes/upcomingRuns.js';

export interface V1Options {
  accounts: AccountsService;
  apiKeys: ApiKeysService;
  jobs: JobsService;
  executions: ExecutionsService;
  spaces: SpacesService;
  plans: PlansService;
  signingSecrets: SigningSecretsService;
  projectSettings: ProjectSettingsService;
  inboundWebhooks: InboundWebhooksService;
  sparklines: SparklinesService;
  alerts: AlertsService;
  imports: ImportsService;
  exports: ExportsService;
  schedulePreviews: SchedulePreviewService;
  streamTokens: StreamTokens;
  liveFeed: LiveFeed;
  health: HealthDeps;
  /** KAIROS_PUBLIC_URL: the base of the URLs handed out; each request's host when absent. */
  publicUrl?: string;
  /** Counts a request against its caller's limits; runs once the bearer has named the caller. */
  limitPerCaller: onRequestAsyncHookHandler;
  /** Counts a request to an inbound URL against that URL's limit. */
  limitPerSlug: onRequestAsyncHookHandler;
}

export const v1Plugin: FastifyPluginAsync<V1Options> = async (scope, deps) => {
  registerErrorHandling(scope, { dashboard: false });
  // The native API takes JSON only: a text body is a 415, not a string the schema calls "not an object".
  scope.removeContentTypeParser('text/plain');
  registerBearerAuthentication(scope, deps.accounts, deps.limitPerCaller);

  healthRoute(scope, deps.health);
  await scope.register(authRoutes, { accounts: deps.accounts, apiKeys: deps.apiKeys });
  await scope.register(projectRoutes, { accounts: deps.accounts });
  await scope.register(projectSettingsRoutes, { settings: deps.projectSettings });
  await scope.register(apiKeyRoutes, { apiKeys: deps.apiKeys });
  await scope.register(sparklineRoutes, { sparklines: deps.sparklines });
  await scope.register(jobRoutes, { jobs: deps.jobs });
  await scope.register(executionRoutes, { executions: deps.executions });
  await scope.register(spaceRoutes, { spaces: deps.spaces });
  await scope.register(planRoutes, { plans: deps.plans, accounts: deps.accounts });
  await scope.register(signingSecretRoutes, { secrets: deps.signingSecrets });
  await scope.register(inboundWebhookRoutes, { webhooks: deps.inboundWebhooks, publicUrl: deps.publicUrl, limitPerSlug: deps.limitPerSlug });
  await scope.register(alertRoutes, { alerts: deps.alerts });
  await scope.register(schedulePreviewRoutes, { previews: deps.schedulePreviews });
  await scope.register(upcomingRunRoutes, { previews: deps.schedulePreviews });
  await scope.register(streamRoutes, { accounts: deps.accounts, tokens: deps.streamTokens, feed: deps.liveFeed, jobs: deps.jobs });
  await scope.register(importRoutes, { imports: deps.imports, exports: deps.exports });
};
