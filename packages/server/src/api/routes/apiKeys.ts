import type { FastifyInstance } from 'fastify';
import type { ApiKeysService } from '../../service/apiKeys.js';
import { requireScope } from '../authenticate.js';
import { CreateApiKeyBody } from '../schemas/accounts.js';
import { IdParams, Pagination } from '../schemas/common.js';

/** The keys of the caller's project; managing them takes the admin scope. */
export function apiKeyRoutes(app: FastifyInstance, apiKeys: ApiKeysService): void {
  app.get<{ Querystring: Pagination }>('/v1/api-keys', { schema: { querystring: Pagination } }, async (request) => {
    const { page, perPage } = request.query;
    const { items, total } = await apiKeys.list(requireScope(request, 'admin'), { page, perPage });
    return { data: items, meta: { page, perPage, total } };
  });

  app.post<{ Body: CreateApiKeyBody }>('/v1/api-keys', { schema: { body: CreateApiKeyBody } }, async (request, reply) =>
    reply.status(201).send({ data: await apiKeys.create(requireScope(request, 'admin'), request.body) }),
  );

  app.delete<{ Params: IdParams }>('/v1/api-keys/:id', { schema: { params: IdParams } }, async (request, reply) => {
    await apiKeys.revoke(requireScope(request, 'admin'), request.params.id);
    return reply.status(204).send();
  });
}
