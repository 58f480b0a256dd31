import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { SparklinesService } from '../../../service/sparklines.js';
import { callerOf } from '../../authenticate.js';
import { clientErrors, Paged } from '../schemas/common.js';
import { JobListQuery } from '../schemas/jobs.js';

const Sparkline = Type.Object({
  jobId: Type.String(),
  points: Type.Array(Type.Integer({ minimum: -1, maximum: 1 }), { description: 'Oldest first: 1 success, 0 failure, -1 not delivered (over quota); at most 100' }),
});

/** Registered before the job routes so that `sparklines` is never read as a job id. */
export const sparklineRoutes: FastifyPluginAsyncTypebox<{ sparklines: SparklinesService }> = async (app, { sparklines }) => {
  app.get(
    '/jobs/sparklines',
    {
      schema: {
        tags: ['jobs'],
        summary: 'The last 24 hours of attempts of each job on a page of the job list (newest jobs first, the same filters), for mini status charts',
        querystring: JobListQuery,
        response: { 200: Paged(Sparkline), ...clientErrors },
      },
    },
    async (request) => {
      const { page, perPage, ...filter } = request.query;
      const { items, total } = await sparklines.list(callerOf(request).projectId, { page, perPage }, Date.now(), filter as Parameters<SparklinesService['list']>[3]);
      return { data: items, meta: { page, perPage, total } };
    },
  );
};
