import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AccountsService } from '../../service/accounts.js';

const RegisterAnonymousBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

export function authRoutes(app: FastifyInstance, accounts: AccountsService): void {
  app.post<{ Body: Static<typeof RegisterAnonymousBody> }>(
    '/v1/auth/register-anonymous',
    { schema: { body: RegisterAnonymousBody }, config: { public: true } },
    async (request, reply) => reply.status(201).send({ data: await accounts.registerAnonymous(request.body.name) }),
  );
}
