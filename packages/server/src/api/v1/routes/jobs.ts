import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { JobsService } from '../../../service/jobs.js';
import { callerOf } from '../../authenticate.js';
import { clientErrors, Data, IdParams, NoContent, Paged, Pagination } from '../schemas/common.js';
import { batchBodyLimit, BulkBody, BulkResult, CreateJobBody, CreateJobsBatchBody, Execution, Job, JobListQuery, PatchJobBody, PendingRun, RunNowQuery } from '../schemas/jobs.js';
import { executionView, jobView, pendingRunView } from '../views.js';

const tags = ['jobs'];

export const jobRoutes: FastifyPluginAsyncTypebox<{ jobs: JobsService }> = async (app, { jobs }) => {
  app.post(
    '/jobs',
    {
      schema: {
        tags,
        summary: 'Create a job (an Idempotency-Key header or idempotencyKey field makes a repeat return the first job with 200)',
        body: CreateJobBody,
        response: { 200: Data(Job, 'The job made by an earlier request with this key'), 201: Data(Job, 'The job'), ...clientErrors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { idempotencyKey: fieldKey, ...input } = request.body;
      const header = request.headers['idempotency-key'];
      const key = (typeof header === 'string' && header !== '' ? header : undefined) ?? fieldKey;
      const { job, created } = await jobs.create(caller.projectId, input, key);
      return reply.status(created ? 201 : 200).send({ data: jobView(job) });
    },
  );

  app.post(
    '/jobs/batch',
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
      const caller = callerOf(request);
      const inputs = request.body.jobs.map(({ idempotencyKey: _ignored, ...input }) => input);
      return reply.status(201).send({ data: (await jobs.createMany(caller.projectId, inputs)).map(jobView) });
    },
  );

  app.post(
    '/jobs/bulk',
    { schema: { tags, summary: 'One action on up to 100 jobs; each succeeds or fails on its own', body: BulkBody, response: { 200: Data(BulkResult), ...clientErrors } } },
    async (request) => {
      const caller = callerOf(request);
      return { data: await jobs.bulk(caller.projectId, request.body) };
    },
  );

  app.get(
    '/jobs',
    { schema: { tags, summary: "List the project's jobs, newest first", querystring: JobListQuery, response: { 200: Paged(Job), ...clientErrors } } },
    async (request) => {
      const { page, perPage, ...filter } = request.query;
      const { items, total } = await jobs.list(callerOf(request).projectId, filter as Parameters<JobsService['list']>[1], { page, perPage });
      return { data: items.map(jobView), meta: { page, perPage, total } };
    },
  );

  app.get(
    '/jobs/:id',
    { schema: { tags, summary: 'Read a job', params: IdParams, response: { 200: Data(Job, 'The job'), ...clientErrors } } },
    async (request) => ({ data: jobView(await jobs.get(callerOf(request).projectId, request.params.id)) }),
  );

  app.patch(
    '/jobs/:id',
    { schema: { tags, summary: 'Change some fields of a job (status: active or paused too)', params: IdParams, body: PatchJobBody, response: { 200: Data(Job, 'The job'), ...clientErrors } } },
    async (request) => ({ data: jobView(await jobs.update(callerOf(request).projectId, request.params.id, request.body)) }),
  );

  app.put(
    '/jobs/:id',
    { schema: { tags, summary: 'Replace a job\'s definition', params: IdParams, body: CreateJobBody, response: { 200: Data(Job, 'The job'), ...clientErrors } } },
    async (request) => {
      const { idempotencyKey: _ignored, ...input } = request.body;
      return { data: jobView(await jobs.update(callerOf(request).projectId, request.params.id, input, true)) };
    },
  );

  app.delete(
    '/jobs/:id',
    { schema: { tags, summary: 'Delete a job and its history', params: IdParams, response: { 204: NoContent, ...clientErrors } } },
    async (request, reply) => {
      await jobs.remove(callerOf(request).projectId, request.params.id);
      return reply.status(204).send();
    },
  );

  const transitions = { pause: 'Pause a job', resume: 'Resume a paused job', cancel: 'Cancel a job for good' } as const;
  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post(
      `/jobs/:id/${action}`,
      { schema: { tags, summary: transitions[action], params: IdParams, response: { 200: Data(Job, 'The job'), ...clientErrors } } },
      async (request) => ({ data: jobView(await jobs[action](callerOf(request).projectId, request.params.id)) }),
    );
  }

  app.post(
    '/jobs/:id/run',
    {
      schema: {
        tags,
        summary: 'Run a job now, outside its schedule (202); with ?wait=true, answer with the attempt (200)',
        params: IdParams,
        querystring: RunNowQuery,
        response: { 200: Data(Execution, 'The attempt, once recorded'), 202: Data(PendingRun, 'The run, pending (without wait, or when the attempt outlasts the wait)'), ...clientErrors },
      },
    },
    async (request, reply) => {
      const result = await jobs.runNow(callerOf(request).projectId, request.params.id, request.query.wait === true);
      return result.done ? reply.status(200).send({ data: executionView(result.execution) }) : reply.status(202).send({ data: pendingRunView(result.pending) });
    },
  );

  app.get(
    '/jobs/:id/executions',
    { schema: { tags, summary: "A job's delivery attempts, newest first", params: IdParams, querystring: Pagination, response: { 200: Paged(Execution), ...clientErrors } } },
    async (request) => {
      const { page, perPage } = request.query;
      const { items, total } = await jobs.executions(callerOf(request).projectId, request.params.id, { page, perPage });
      return { data: items.map(executionView), meta: { page, perPage, total } };
    },
  );
};
