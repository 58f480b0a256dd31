import type { FastifyInstance } from 'fastify';
import type { ApiKeysService } from '../../../service/apiKeys.js';
import { callerOf } from '../../authenticate.js';
import { ApiKey, CreateApiKeyBody, NewApiKey } from '../schemas/accounts.js';
import { clientErrors, Data, IdParams, NoContent, Paged, Pagination } from '../schemas/common.js';
import { apiKeyView, newApiKeyView } from '../views.js';

const tags = ['api-keys'];

/** The keys of the caller's project; managing them takes the admin scope (each route's `scope`). */
export function apiKeyRoutes(app: FastifyInstance, apiKeys: ApiKeysService): void {
  app.get<{ Querystring: Pagination }>(
    '/v1/api-keys',
    { schema: { tags, summary: "The project's API keys (never the keys themselves)", querystring: Pagination, response: { 200: Paged(ApiKey), ...clientErrors } }, config: { scope: 'admin' } },
    async (request) => {
      const { page, perPage } = request.query;
      const { items, total } = await apiKeys.list(callerOf(request), { page, perPage });
      return { data: items.map(apiKeyView), meta: { page, perPage, total } };
    },
  );

  app.post<{ Body: CreateApiKeyBody }>(
    '/v1/api-keys',
    { schema: { tags, summary: 'A new API key, shown once', body: CreateApiKeyBody, response: { 201: Data(NewApiKey), ...clientErrors } }, config: { scope: 'admin' } },
    async (request, reply) => reply.status(201).send({ data: newApiKeyView(await apiKeys.create(callerOf(request), request.body)) }),
  );

  app.delete<{ Params: IdParams }>(
    '/v1/api-keys/:id',
    { schema: { tags, summary: 'Revoke an API key', params: IdParams, response: { 204: NoContent, ...clientErrors } }, config: { scope: 'admin' } },
    async (request, reply) => {
      await apiKeys.revoke(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
