import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../service/accounts.js';
import { principalOf } from '../authenticate.js';
import { CreateProjectBody } from '../schemas/accounts.js';
import { Pagination } from '../schemas/common.js';

/** Account routes: they act on the caller's projects as a whole, so no project is chosen. */
export function projectRoutes(app: FastifyInstance, accounts: AccountsService): void {
  app.get<{ Querystring: Pagination }>('/v1/projects', { schema: { querystring: Pagination }, config: { account: true } }, async (request) => {
    const { page, perPage } = request.query;
    const { items, total } = await accounts.listProjects(principalOf(request), { page, perPage });
    return { data: items, meta: { page, perPage, total } };
  });

  app.post<{ Body: CreateProjectBody }>('/v1/projects', { schema: { body: CreateProjectBody }, config: { account: true } }, async (request, reply) =>
    reply.status(201).send({ data: await accounts.createProject(principalOf(request), request.body.name) }),
  );
}
