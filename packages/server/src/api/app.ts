import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { AccountsService } from '../service/accounts.js';
import type { ApiKeysService } from '../service/apiKeys.js';
import type { JobsService } from '../service/jobs.js';
import type { Store } from '../store/connect.js';
import { registerAuthentication } from './authenticate.js';
import { registerErrorHandling } from './errors.js';
import { apiKeyRoutes } from './routes/apiKeys.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { metricsRoutes } from './routes/operations.js';
import { projectRoutes } from './routes/projects.js';
import { validatorCompiler } from './validation.js';

export interface AppDeps {
  logger: Logger;
  store: Store;
  accounts: AccountsService;
  apiKeys: ApiKeysService;
  jobs: JobsService;
  metrics: Metrics;
  /** Bearer token `/metrics` wants; public when absent. */
  metricsToken?: string;
}

/** A job's body may be 1 MiB; the rest of the request needs a little room around it. */
export const bodyLimit = 1024 * 1024 + 64 * 1024;

export function buildApp(deps: AppDeps): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // A line per request would cost more than the request itself at thousands per second.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.setValidatorCompiler(validatorCompiler);
  registerErrorHandling(app);
  registerAuthentication(app, deps.accounts);
  healthRoutes(app, deps.store, Date.now());
  metricsRoutes(app, deps.metrics, deps.metricsToken);
  authRoutes(app, deps.accounts, deps.apiKeys);
  projectRoutes(app, deps.accounts);
  apiKeyRoutes(app, deps.apiKeys);
  jobRoutes(app, deps.jobs);
  return app;
}
