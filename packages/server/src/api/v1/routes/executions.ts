import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ExecutionsService } from '../../../service/executions.js';
import { callerOf } from '../../authenticate.js';
import { clientErrors, Data, IdParams, Paged } from '../schemas/common.js';
import { ExecutionListQuery } from '../schemas/executions.js';
import { Execution, PendingRun } from '../schemas/jobs.js';
import { executionView, pendingRunView } from '../views.js';

export const executionRoutes: FastifyPluginAsyncTypebox<{ executions: ExecutionsService }> = async (app, { executions }) => {
  app.get('/executions', { schema: { tags: ['executions'], summary: 'Delivery attempts across the project, newest first', querystring: ExecutionListQuery, response: { 200: Paged(Execution), ...clientErrors } } }, async (request) => {
    const { page, perPage, from, to, ...filter } = request.query;
    const { items, total } = await executions.list(
      callerOf(request).projectId,
      { ...(filter as Parameters<ExecutionsService['list']>[1]), from: from === undefined ? undefined : Date.parse(from), to: to === undefined ? undefined : Date.parse(to) },
      { page, perPage },
    );
    return { data: items.map(executionView), meta: { page, perPage, total } };
  });

  app.get('/executions/:id', { schema: { tags: ['executions'], summary: 'One attempt: the request sent, the response received, timings', params: IdParams, response: { 200: Data(Execution, 'The attempt'), ...clientErrors } } }, async (request) => ({
    data: executionView(await executions.get(callerOf(request).projectId, request.params.id)),
  }));

  app.post('/executions/:id/replay', { schema: { tags: ['executions'], summary: 'Run the job again now, linked to this attempt (202)', params: IdParams, response: { 202: Data(PendingRun, 'The run, pending'), ...clientErrors } } }, async (request, reply) =>
    reply.status(202).send({ data: pendingRunView(await executions.replay(callerOf(request).projectId, request.params.id)) }),
  );
};
