import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SpacesService } from '../../../service/spaces.js';
import { callerOf } from '../../authenticate.js';
import { clientErrors, Data, IdParams, NoContent, Paged, Pagination } from '../schemas/common.js';
import { CreateSpaceBody, PatchSpaceBody, Space, SpacePauseResult } from '../schemas/spaces.js';
import { spaceView } from '../views.js';

export const spaceRoutes: FastifyPluginAsyncTypebox<{ spaces: SpacesService }> = async (app, { spaces }) => {
  app.get('/spaces', { schema: { tags: ['spaces'], summary: "List the project's spaces with their job counts", querystring: Pagination, response: { 200: Paged(Space), ...clientErrors } } }, async (request) => {
    const { page, perPage } = request.query;
    const { items, total } = await spaces.list(callerOf(request).projectId, { page, perPage });
    return { data: items.map(spaceView), meta: { page, perPage, total } };
  });

  app.post('/spaces', { schema: { tags: ['spaces'], summary: 'Create a space', body: CreateSpaceBody, response: { 201: Data(Space), ...clientErrors } } }, async (request, reply) =>
    reply.status(201).send({ data: spaceView(await spaces.create(callerOf(request).projectId, request.body)) }),
  );

  app.get('/spaces/:id', { schema: { tags: ['spaces'], summary: 'Read a space', params: IdParams, response: { 200: Data(Space), ...clientErrors } } }, async (request) => ({
    data: spaceView(await spaces.get(callerOf(request).projectId, request.params.id)),
  }));

  app.patch('/spaces/:id', { schema: { tags: ['spaces'], summary: 'Rename a space or change its default time zone', params: IdParams, body: PatchSpaceBody, response: { 200: Data(Space), ...clientErrors } } }, async (request) => ({
    data: spaceView(await spaces.update(callerOf(request).projectId, request.params.id, request.body)),
  }));

  app.delete('/spaces/:id', { schema: { tags: ['spaces'], summary: 'Delete an empty space', params: IdParams, response: { 204: NoContent, ...clientErrors } } }, async (request, reply) => {
    await spaces.remove(callerOf(request).projectId, request.params.id);
    return reply.status(204).send();
  });

  for (const action of ['pause', 'resume'] as const) {
    app.post(`/spaces/:id/${action}`, { schema: { tags: ['spaces'], summary: action === 'pause' ? 'Pause every active job in the space' : 'Resume the jobs the space\'s pause paused', params: IdParams, response: { 200: Data(SpacePauseResult), ...clientErrors } } }, async (request) => {
      const result = await spaces[action](callerOf(request).projectId, request.params.id);
      return { data: { ...result, space: spaceView(result.space) } };
    });
  }
};
