import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeysService } from '../../../service/apiKeys.js';
import { callerOf } from '../../authenticate.js';
import { ApiKey, CreateApiKeyBody, NewApiKey } from '../schemas/accounts.js';
import { clientErrors, Data, IdParams, NoContent, Paged, Pagination } from '../schemas/common.js';
import { apiKeyView, newApiKeyView } from '../views.js';

const tags = ['api-keys'];

/** The keys of the caller's project; managing them takes the admin scope (each route's `scope`). */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ apiKeys: ApiKeysService }> = async (app, { apiKeys }) => {
  app.get(
    '/api-keys',
    { schema: { tags, summary: "The project's API keys (never the keys themselves)", querystring: Pagination, response: { 200: Paged(ApiKey), ...clientErrors } }, config: { scope: 'admin' } },
    async (request) => {
      const { page, perPage } = request.query;
      const { items, total } = await apiKeys.list(callerOf(request), { page, perPage });
      return { data: items.map(apiKeyView), meta: { page, perPage, total } };
    },
  );

  app.post(
    '/api-keys',
    { schema: { tags, summary: 'A new API key, shown once', body: CreateApiKeyBody, response: { 201: Data(NewApiKey), ...clientErrors } }, config: { scope: 'admin' } },
    async (request, reply) => reply.status(201).send({ data: newApiKeyView(await apiKeys.create(callerOf(request), request.body)) }),
  );

  app.delete(
    '/api-keys/:id',
    { schema: { tags, summary: 'Revoke an API key', params: IdParams, response: { 204: NoContent, ...clientErrors } }, config: { scope: 'admin' } },
    async (request, reply) => {
      await apiKeys.revoke(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
};
