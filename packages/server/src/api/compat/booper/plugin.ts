import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, type FieldIssue } from '../../../domain/errors.js';
import type { AccountsService } from '../../../service/accounts.js';
import type { JobsService } from '../../../service/jobs.js';
import { callerOf, enforceScopes } from '../../authenticate.js';
import { acceptJsonOnly, authenticateWith, registerDialectErrors } from '../door.js';
import { jobIdOf, jobUuidsIn } from '../ids.js';
import { CreateJobBody, JobParams } from './schemas.js';
import { argsOf, booperIssue, booperJobInput, booperJobView } from './translate.js';

export interface BooperOptions {
  accounts: AccountsService;
  jobs: JobsService;
}

const hide = { hide: true } as const;

/** The key in `Authorization`, with or without `Bearer `. */
function keyOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization?.trim();
  if (!header) return undefined;
  return (/^bearer\s/i.test(header) ? header.slice(7).trim() : header) || undefined;
}

/** Field issues as a Phoenix changeset renders them: `{ field: [issue, …] }`. */
function changesetErrors(issues: readonly FieldIssue[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { field, issue } of issues) (out[field] ??= []).push(issue);
  return out;
}

async function inBooperTerms<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError && err.code === 'validation_failed') throw AppError.validation(err.details.map(booperIssue));
    throw err;
  }
}

/**
 * Booper's scheduler API (seed 004) under `/compat/booper`: answers under `data`, ids as UUIDs,
 * an integer `job_id` per run, and errors as its Phoenix app renders them: `{ "errors": { field:
 * [issues] } }` with 422 for invalid input, `{ "errors": { "detail": "…" } }` otherwise.
 */
export async function booperPlugin(scope: FastifyInstance, options: BooperOptions): Promise<void> {
  const { jobs } = options;
  acceptJsonOnly(scope);
  registerDialectErrors(scope, {
    status: ({ status }) => status,
    // Its clients know a job by its UUID, so the messages name it so.
    body: ({ status, message, issues }) => ({ errors: status === 422 && issues.length > 0 ? changesetErrors(issues) : { detail: jobUuidsIn(message) } }),
  });
  const authenticate = authenticateWith(options.accounts, keyOf);
  scope.addHook('onRequest', async (request) => {
    if (!request.routeOptions.url) return;
    await authenticate(request);
  });
  // Each route's scope is its method's (GET reads, the rest write), held in the one shared hook.
  enforceScopes(scope);

  scope.post<{ Body: CreateJobBody }>('/api/jobs', { schema: { ...hide, body: CreateJobBody } }, async (request, reply) => {
    const caller = callerOf(request);
    const body = request.body;
    const input = booperJobInput(body, Date.now());
    if (!input.ok) throw AppError.validation(input.issues);
    const { job, created } = await inBooperTerms(() =>
      jobs.create(caller.projectId, input.value, body.idempotency_key ?? undefined, { idempotency: 'untilRun', httpsOnly: true }),
    );
    const progress = await jobs.progress(caller.projectId, job.id);
    const view = booperJobView(progress, Date.now(), {
      args: created ? argsOf(body) : undefined,
      conflict: !created,
      projectId: caller.projectId,
    });
    return reply.status(created ? 201 : 200).send({ data: view });
  });

  scope.get<{ Params: JobParams }>('/api/jobs/:id', { schema: { ...hide, params: JobParams } }, async (request) => {
    const caller = callerOf(request);
    const progress = await jobs.progress(caller.projectId, jobIdOf(request.params.id));
    return { data: booperJobView(progress, Date.now(), { projectId: caller.projectId }) };
  });

  scope.delete<{ Params: JobParams }>('/api/jobs/:id', { schema: { ...hide, params: JobParams } }, async (request) => {
    const caller = callerOf(request);
    const job = await jobs.cancel(caller.projectId, jobIdOf(request.params.id));
    return { data: booperJobView(await jobs.progress(caller.projectId, job.id), Date.now(), { projectId: caller.projectId }) };
  });
}
