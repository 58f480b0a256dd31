import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { JobsService } from '../../service/jobs.js';
import { callerOf, requireScope } from '../authenticate.js';
import { clientErrors, Data, IdParams, NoContent, Paged, Pagination } from '../schemas/common.js';
import { batchBodyLimit, CreateJobBody, CreateJobsBatchBody, Execution, Job } from '../schemas/jobs.js';

const tags = ['jobs'];

export function jobRoutes(app: FastifyInstance, jobs: JobsService): void {
  app.post<{ Body: CreateJobBody }>(
    '/v1/jobs',
    { schema: { tags, summary: 'Create a job', body: CreateJobBody, response: { 201: Data(Job, 'The job'), ...clientErrors } } },
    async (request, reply) => {
      const caller = requireScope(request, 'write');
      return reply.status(201).send({ data: await jobs.create(caller.projectId, request.body) });
    },
  );

  app.post<{ Body: CreateJobsBatchBody }>(
    '/v1/jobs/batch',
    {
      schema: {
        tags,
        summary: 'Create up to 1 000 jobs in one transaction, all or nothing',
        body: CreateJobsBatchBody,
        response: { 201: Data(Type.Array(Job), 'The jobs, in the order given'), ...clientErrors },
      },
      bodyLimit: batchBodyLimit,
    },
    async (request, reply) => {
      const caller = requireScope(request, 'write');
      return reply.status(201).send({ data: await jobs.createMany(caller.projectId, request.body.jobs) });
    },
  );

  app.get<{ Querystring: Pagination }>(
    '/v1/jobs',
    { schema: { tags, summary: "List the project's jobs", querystring: Pagination, response: { 200: Paged(Job), ...clientErrors } } },
    async (request) => {
      const { page, perPage } = request.query;
      const { items, total } = await jobs.list(callerOf(request).projectId, { page, perPage });
      return { data: items, meta: { page, perPage, total } };
    },
  );

  app.get<{ Params: IdParams }>(
    '/v1/jobs/:id',
    { schema: { tags, summary: 'Read a job', params: IdParams, response: { 200: Data(Job, 'The job'), ...clientErrors } } },
    async (request) => ({
      data: await jobs.get(callerOf(request).projectId, request.params.id),
    }),
  );

  app.delete<{ Params: IdParams }>(
    '/v1/jobs/:id',
    { schema: { tags, summary: 'Delete a job and its history', params: IdParams, response: { 204: NoContent, ...clientErrors } } },
    async (request, reply) => {
      await jobs.remove(requireScope(request, 'write').projectId, request.params.id);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: IdParams; Querystring: Pagination }>(
    '/v1/jobs/:id/executions',
    {
      schema: {
        tags,
        summary: "A job's delivery attempts, newest first",
        params: IdParams,
        querystring: Pagination,
        response: { 200: Paged(Execution), ...clientErrors },
      },
    },
    async (request) => {
      const { page, perPage } = request.query;
      const { items, total } = await jobs.executions(callerOf(request).projectId, request.params.id, { page, perPage });
      return { data: items, meta: { page, perPage, total } };
    },
  );
}
