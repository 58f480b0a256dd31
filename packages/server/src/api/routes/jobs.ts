import type { FastifyInstance } from 'fastify';
import type { JobsService } from '../../service/jobs.js';
import { callerOf, requireScope } from '../authenticate.js';
import { IdParams, Pagination } from '../schemas/common.js';
import { batchBodyLimit, BulkBody, CreateJobBody, CreateJobsBatchBody, JobListQuery, PatchJobBody, RunNowQuery } from '../schemas/jobs.js';

export function jobRoutes(app: FastifyInstance, jobs: JobsService): void {
  app.post<{ Body: CreateJobBody }>('/v1/jobs', { schema: { body: CreateJobBody } }, async (request, reply) => {
    const caller = requireScope(request, 'write');
    const { idempotencyKey: fieldKey, ...input } = request.body;
    const header = request.headers['idempotency-key'];
    const key = (typeof header === 'string' && header !== '' ? header : undefined) ?? fieldKey;
    const { job, created } = await jobs.create(caller.projectId, input, key);
    return reply.status(created ? 201 : 200).send({ data: job });
  });

  app.post<{ Body: CreateJobsBatchBody }>(
    '/v1/jobs/batch',
    { schema: { body: CreateJobsBatchBody }, bodyLimit: batchBodyLimit },
    async (request, reply) => {
      const caller = requireScope(request, 'write');
      const inputs = request.body.jobs.map(({ idempotencyKey: _ignored, ...input }) => input);
      return reply.status(201).send({ data: await jobs.createMany(caller.projectId, inputs) });
    },
  );

  app.post<{ Body: BulkBody }>('/v1/jobs/bulk', { schema: { body: BulkBody } }, async (request) => {
    const caller = requireScope(request, 'write');
    return { data: await jobs.bulk(caller.projectId, request.body as Parameters<JobsService['bulk']>[1]) };
  });

  app.get<{ Querystring: JobListQuery }>('/v1/jobs', { schema: { querystring: JobListQuery } }, async (request) => {
    const { page, perPage, ...filter } = request.query;
    const { items, total } = await jobs.list(callerOf(request).projectId, filter as Parameters<JobsService['list']>[1], { page, perPage });
    return { data: items, meta: { page, perPage, total } };
  });

  app.get<{ Params: IdParams }>('/v1/jobs/:id', { schema: { params: IdParams } }, async (request) => ({
    data: await jobs.get(callerOf(request).projectId, request.params.id),
  }));

  app.patch<{ Params: IdParams; Body: PatchJobBody }>('/v1/jobs/:id', { schema: { params: IdParams, body: PatchJobBody } }, async (request) => ({
    data: await jobs.update(requireScope(request, 'write').projectId, request.params.id, request.body),
  }));

  app.put<{ Params: IdParams; Body: CreateJobBody }>('/v1/jobs/:id', { schema: { params: IdParams, body: CreateJobBody } }, async (request) => {
    const { idempotencyKey: _ignored, ...input } = request.body;
    return { data: await jobs.update(requireScope(request, 'write').projectId, request.params.id, input, true) };
  });

  app.delete<{ Params: IdParams }>('/v1/jobs/:id', { schema: { params: IdParams } }, async (request, reply) => {
    await jobs.remove(requireScope(request, 'write').projectId, request.params.id);
    return reply.status(204).send();
  });

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post<{ Params: IdParams }>(`/v1/jobs/:id/${action}`, { schema: { params: IdParams } }, async (request) => ({
      data: await jobs[action](requireScope(request, 'write').projectId, request.params.id),
    }));
  }

  app.post<{ Params: IdParams; Querystring: RunNowQuery }>(
    '/v1/jobs/:id/run',
    { schema: { params: IdParams, querystring: RunNowQuery } },
    async (request, reply) => {
      const result = await jobs.runNow(requireScope(request, 'write').projectId, request.params.id, request.query.wait === true);
      return result.done ? reply.status(200).send({ data: result.execution }) : reply.status(202).send({ data: result.pending });
    },
  );

  app.get<{ Params: IdParams; Querystring: Pagination }>(
    '/v1/jobs/:id/executions',
    { schema: { params: IdParams, querystring: Pagination } },
    async (request) => {
      const { page, perPage } = request.query;
      const { items, total } = await jobs.executions(callerOf(request).projectId, request.params.id, { page, perPage });
      return { data: items, meta: { page, perPage, total } };
    },
  );
}
