import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AccountsService } from '../../../service/accounts.js';
import type { PlansService } from '../../../service/plans.js';
import { callerOf, principalOf } from '../../authenticate.js';
import { clientErrors, Data, IdParams } from '../schemas/common.js';
import { AssignedPlan, Plan, Usage } from '../schemas/plans.js';

const AssignPlanBody = Type.Object({ plan: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]) }, { additionalProperties: false });

export const planRoutes: FastifyPluginAsyncTypebox<{ plans: PlansService; accounts: AccountsService }> = async (app, { plans, accounts }) => {
  app.get('/usage', { schema: { tags: ['plans'], summary: "The project's plan, limits and usage", response: { 200: Data(Usage), ...clientErrors } } }, async (request) => ({ data: await plans.usage(callerOf(request).projectId) }));

  app.get('/plans', { schema: { tags: ['plans'], summary: 'The plans this install offers', response: { 200: Data(Type.Array(Plan)), ...clientErrors } }, config: { account: true } }, async () => ({ data: plans.listPlans() }));

  app.put(
    '/projects/:id/plan',
    { schema: { tags: ['plans'], summary: 'Assign a plan to a project (the operator\'s admin only)', params: IdParams, body: AssignPlanBody, response: { 200: Data(AssignedPlan), ...clientErrors } }, config: { account: true } },
    async (request) => {
      await accounts.requireAdmin(principalOf(request));
      return { data: await plans.assign(request.params.id, request.body.plan) };
    },
  );
};
