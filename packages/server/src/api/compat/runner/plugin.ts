import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '../../../domain/errors.js';
import { isoOf } from '../../../domain/instant.js';
import type { AccountsService } from '../../../service/accounts.js';
import type { InboundWebhooksService } from '../../../service/inboundWebhooks.js';
import type { JobsService } from '../../../service/jobs.js';
import { signatureHeader } from '../../../service/inboundWebhooks.js';
import { callerOf, enforceScopes } from '../../authenticate.js';
import { acceptJsonOnly, authenticateWith, bearerToken, registerDialectErrors } from '../door.js';
import { jobIdOf, jobUuidsIn, uuidOf } from '../ids.js';
import { CreateJobBody, JobParams, ListQuery, SlugParams } from './schemas.js';
import { runnerIssue, runnerJobInput, runnerJobView } from './translate.js';

/** Runner's limit on REST request bodies and stored payloads. */
export const runnerBodyLimit = 256 * 1024;
/** Runner's limit on create-job requests, per API key. */
export const runnerCreateRate = { max: 100, windowMs: 60_000 };
export const maxIdempotencyKeyLength = 255;

export interface RunnerOptions {
  accounts: AccountsService;
  jobs: JobsService;
  inboundWebhooks: InboundWebhooksService;
  /** Counts create-job requests per API key (rateLimits.ts `keyed`, with Runner's rule). */
  limitCreates: onRequestAsyncHookHandler;
  /** Counts requests per inbound URL, with the same counters as /v1/inbound/:slug. */
  limitPerSlug: onRequestAsyncHookHandler;
  /** What recurring schedules without `timezone` follow: the server's own zone, as Runner's do. */
  serverTimeZone?: string;
}

const hide = { hide: true } as const;

/** Validation issues from the service, named as Runner's client named the fields. */
async function inRunnerTerms<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError && err.code === 'validation_failed') throw AppError.validation(err.details.map(runnerIssue));
    throw err;
  }
}

/**
 * Runner's REST API (seed 000) under `/compat/runner`: bare job objects, `{ "error": "…" }` for
 * every failure (400 for any invalid input), a project API key as the bearer. Its jobs are
 * delivered in Runner's style (User-Agent and X-Runner-Signature), which belongs to each job.
 */
export async function runnerPlugin(scope: FastifyInstance, options: RunnerOptions): Promise<void> {
  const { jobs } = options;
  const serverTimeZone = options.serverTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  acceptJsonOnly(scope);
  registerDialectErrors(scope, {
    // Runner answers 400 for every kind of invalid input.
    status: ({ status }) => (status === 422 || status === 415 ? 400 : status),
    // Its clients know a job by its UUID, so the messages name it so.
    body: ({ message }) => ({ error: jobUuidsIn(message) }),
  });
  const authenticate = authenticateWith(options.accounts, bearerToken);
  scope.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || !request.routeOptions.url) return;
    await authenticate(request);
  });
  // Each route's scope is its method's (GET reads, the rest write), held in the one shared hook.
  enforceScopes(scope);

  scope.post<{ Body: CreateJobBody }>(
    '/api/v1/jobs',
    { schema: { ...hide, body: CreateJobBody }, bodyLimit: runnerBodyLimit, onRequest: options.limitCreates },
    async (request, reply) => {
      const caller = callerOf(request);
      const header = request.headers['idempotency-key'];
      const key = typeof header === 'string' && header !== '' ? header : undefined;
      if (key !== undefined && key.length > maxIdempotencyKeyLength) {
        throw AppError.validation([{ field: 'Idempotency-Key', issue: `must be at most ${maxIdempotencyKeyLength} characters` }]);
      }
      const input = runnerJobInput(request.body, serverTimeZone);
      if (!input.ok) throw AppError.validation(input.issues);
      const { job, created } = await inRunnerTerms(() => jobs.create(caller.projectId, input.value, key, { idempotency: 'keyAlone' }));
      return reply.status(created ? 201 : 200).send(runnerJobView(job));
    },
  );

  scope.get<{ Querystring: ListQuery }>('/api/v1/jobs', { schema: { ...hide, querystring: ListQuery } }, async (request) => {
    const { page, limit } = request.query;
    const { items } = await jobs.list(callerOf(request).projectId, {}, { page, perPage: limit });
    return items.map(runnerJobView);
  });

  const jobRoute = (request: FastifyRequest<{ Params: JobParams }>) => jobIdOf(request.params.jobId);

  scope.get<{ Params: JobParams }>('/api/v1/jobs/:jobId', { schema: { ...hide, params: JobParams } }, async (request) =>
    runnerJobView(await jobs.get(callerOf(request).projectId, jobRoute(request))),
  );

  // Cancel: the job stays readable with status `cancelled` and never runs again.
  scope.delete<{ Params: JobParams }>('/api/v1/jobs/:jobId', { schema: { ...hide, params: JobParams } }, async (request) =>
    runnerJobView(await jobs.cancel(callerOf(request).projectId, jobRoute(request))),
  );

  scope.post<{ Params: JobParams }>('/api/v1/jobs/:jobId/pause', { schema: { ...hide, params: JobParams } }, async (request) =>
    runnerJobView(await jobs.pause(callerOf(request).projectId, jobRoute(request))),
  );

  scope.post<{ Params: JobParams }>('/api/v1/jobs/:jobId/resume', { schema: { ...hide, params: JobParams } }, async (request) =>
    runnerJobView(await jobs.resume(callerOf(request).projectId, jobRoute(request))),
  );

  // The project's inbound webhooks, at Runner's path: the posted JSON becomes a one-time job in
  // Runner's delivery style. The raw body is kept for a webhook with a secret.
  const rawBodies = new WeakMap<FastifyRequest, Buffer>();
  await scope.register(async (inbound) => {
    inbound.removeAllContentTypeParsers();
    inbound.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: runnerBodyLimit }, (request, body: Buffer, done) => {
      rawBodies.set(request, body);
      if (body.length === 0) return done(new AppError('bad_request', 'The body is empty; send JSON.'), undefined);
      try {
        done(null, JSON.parse(body.toString('utf8')));
      } catch (err) {
        done(new AppError('bad_request', `The body is not valid JSON: ${(err as Error).message}`), undefined);
      }
    });
    inbound.post<{ Params: SlugParams }>(
      '/api/v1/inbound/:slug',
      { schema: { ...hide, params: SlugParams }, bodyLimit: runnerBodyLimit, config: { public: true }, onRequest: options.limitPerSlug },
      async (request, reply) => {
        const raw = rawBodies.get(request);
        if (raw === undefined) throw new AppError('bad_request', 'Send a JSON body with Content-Type: application/json.');
        const signature = request.headers[signatureHeader];
        const accepted = await webhooksReceive(options.inboundWebhooks, request.params.slug, raw, request.body, typeof signature === 'string' ? signature : undefined);
        return reply.status(202).send({ id: uuidOf(accepted.jobId) ?? accepted.jobId, status: 'scheduled', nextRunAt: isoOf(accepted.scheduledFor) });
      },
    );
  });
}

const webhooksReceive = (webhooks: InboundWebhooksService, slug: string, raw: Buffer, payload: unknown, signature: string | undefined) =>
  inRunnerTerms(() => webhooks.receive(slug, raw, payload, signature, 'runner'));
