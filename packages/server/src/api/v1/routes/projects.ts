import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AccountsService } from '../../../service/accounts.js';
import { principalOf } from '../../authenticate.js';
import { CreateProjectBody, Project } from '../schemas/accounts.js';
import { clientErrors, Data, Paged, Pagination } from '../schemas/common.js';
import { projectView } from '../views.js';

const tags = ['projects'];

/** Account routes: they act on the caller's projects as a whole, so no project is chosen. */
export const projectRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountsService }> = async (app, { accounts }) => {
  app.get(
    '/projects',
    { schema: { tags, summary: "The caller's projects", querystring: Pagination, response: { 200: Paged(Project), ...clientErrors } }, config: { account: true } },
    async (request) => {
      const { page, perPage } = request.query;
      const { items, total } = await accounts.listProjects(principalOf(request), { page, perPage });
      return { data: items.map(projectView), meta: { page, perPage, total } };
    },
  );

  app.post(
    '/projects',
    {
      schema: { tags, summary: 'Another project for a signed-in user', body: CreateProjectBody, response: { 201: Data(Project), ...clientErrors } },
      config: { account: true },
    },
    async (request, reply) => reply.status(201).send({ data: projectView(await accounts.createProject(principalOf(request), request.body.name)) }),
  );
};
