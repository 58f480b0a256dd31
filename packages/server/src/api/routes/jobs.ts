import type { FastifyInstance } from 'fastify';
import type { JobsService } from '../../service/jobs.js';
import { IdParams, Pagination } from '../schemas/common.js';
import { batchBodyLimit, CreateJobBody, CreateJobsBatchBody } from '../schemas/jobs.js';
import { callerOf, requireScope } from '../authenticate.js';

export function jobRoutes(app: FastifyInstance, jobs: JobsService): void {
  app.post<{ Body: CreateJobBody }>('/v1/jobs', { schema: { body: CreateJobBody } }, async (request, reply) => {
    const caller = requireScope(request, 'write');
    return reply.status(201).send({ data: await jobs.create(caller.projectId, request.body) });
  });

  app.post<{ Body: CreateJobsBatchBody }>(
    '/v1/jobs/batch',
    { schema: { body: CreateJobsBatchBody }, bodyLimit: batchBodyLimit },
    async (request, reply) => {
      const caller = requireScope(request, 'write');
      return reply.status(201).send({ data: await jobs.createMany(caller.projectId, request.body.jobs) });
    },
  );

  app.get<{ Querystring: Pagination }>('/v1/jobs', { schema: { querystring: Pagination } }, async (request) => {
    const { page, perPage } = request.query;
    const { items, total } = await jobs.list(callerOf(request).projectId, { page, perPage });
    return { data: items, meta: { page, perPage, total } };
  });

  app.get<{ Params: IdParams }>('/v1/jobs/:id', { schema: { params: IdParams } }, async (request) => ({
    data: await jobs.get(callerOf(request).projectId, request.params.id),
  }));

  app.delete<{ Params: IdParams }>('/v1/jobs/:id', { schema: { params: IdParams } }, async (request, reply) => {
    await jobs.remove(requireScope(request, 'write').projectId, request.params.id);
    return reply.status(204).send();
  });

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
