import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../domain/errors.js';
import type { AccountsService } from '../../../service/accounts.js';
import type { JobsService } from '../../../service/jobs.js';
import { callerOf, enforceScopes } from '../../authenticate.js';
import { acceptJsonOnly, authenticateWith, bearerToken, registerDialectErrors } from '../door.js';
import { jobIdOf } from '../ids.js';
import { CreateBody, FileParams, ListQuery, RunParams } from './schemas.js';
import { donutworkError, donutworkJobInput, jobRunnerList, runResult } from './translate.js';

export interface DonutworkOptions {
  accounts: AccountsService;
  jobs: JobsService;
}

/** The dated API version these paths speak. */
export const donutworkVersion = '2026-02-01';

const hide = { hide: true } as const;

/** `Authorization: Bearer <key>`, or the key alone in `X-Api-Key`. */
function keyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  return bearerToken(request) ?? (typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined);
}

/**
 * Donutwork's Job Runner API (seed 002) under `/compat/donutwork`: its list envelope, `{ id,
 * created }` and `{ id, deleted }` answers, a run that answers once the target has, the
 * `job_runner:read` / `job_runner:write` permissions as the key's `read` / `write` scopes, and
 * `{ "error": "…" }` with 400 for any invalid input.
 */
export async function donutworkPlugin(scope: FastifyInstance, options: DonutworkOptions): Promise<void> {
  const { jobs } = options;
  acceptJsonOnly(scope);
  registerDialectErrors(scope, {
    status: ({ status }) => (status === 422 || status === 415 ? 400 : status),
    body: ({ message }) => ({ error: message }),
  });
  const authenticate = authenticateWith(options.accounts, keyOf);
  scope.addHook('onRequest', async (request) => {
    if (!request.routeOptions.url) return;
    await authenticate(request);
  });
  // Each route's scope is its method's (GET reads, the rest write), held in the one shared hook.
  enforceScopes(scope);

  const base = `/${donutworkVersion}/job-runner`;

  scope.get<{ Querystring: ListQuery }>(`${base}.json`, { schema: { ...hide, querystring: ListQuery } }, async (request) => {
    const { size, page } = request.query;
    const { items, total } = await jobs.list(callerOf(request).projectId, {}, { page, perPage: size });
    return jobRunnerList(items, total, page, size);
  });

  scope.post<{ Body: CreateBody }>(`${base}.json`, { schema: { ...hide, body: CreateBody } }, async (request, reply) => {
    const caller = callerOf(request);
    const input = request.body.jobrunner;
    try {
      const { job } = await jobs.create(caller.projectId, donutworkJobInput(input));
      return reply.status(201).send({ id: job.id, created: true });
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation_failed') throw new AppError('bad_request', donutworkError(err.details, input), err.details);
      throw err;
    }
  });

  scope.post<{ Params: RunParams }>(`${base}/:id/run.json`, { schema: { ...hide, params: RunParams } }, async (request) => {
    const caller = callerOf(request);
    // Any door's form of the id: Donutwork lists native ids, Runner and Booper show UUIDs.
    const result = await jobs.runNow(caller.projectId, jobIdOf(request.params.id), true);
    if (!result.done) throw new AppError('unavailable', `The run of ${request.params.id} did not finish in time; its result will be in the job's history.`);
    return runResult(request.params.id, result.execution);
  });

  scope.delete<{ Params: FileParams }>(`${base}/:file`, { schema: { ...hide, params: FileParams } }, async (request) => {
    const caller = callerOf(request);
    const { file } = request.params;
    if (!file.endsWith('.json')) throw AppError.notFound(`Job runner ${file}`);
    const id = file.slice(0, -'.json'.length);
    await jobs.remove(caller.projectId, jobIdOf(id));
    return { id, deleted: true };
  });
}
