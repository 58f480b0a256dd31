import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../../service/accounts.js';
import type { ApiKeysService } from '../../service/apiKeys.js';
import { principalOf, requireScope } from '../authenticate.js';
import { LoginBody, RefreshBody, RegisterAnonymousBody, RegisterBody } from '../schemas/accounts.js';

export function authRoutes(app: FastifyInstance, accounts: AccountsService, apiKeys: ApiKeysService): void {
  // Public, but a bearer sent along is checked: on a closed server an admin may still register.
  app.post<{ Body: RegisterAnonymousBody }>(
    '/v1/auth/register-anonymous',
    { schema: { body: RegisterAnonymousBody }, config: { public: true, identify: true } },
    async (request, reply) => reply.status(201).send({ data: await accounts.registerAnonymous(request.body.name, request.principal) }),
  );

  app.post<{ Body: RegisterBody }>(
    '/v1/auth/register',
    { schema: { body: RegisterBody }, config: { public: true, identify: true } },
    async (request, reply) => reply.status(201).send({ data: await accounts.register(request.body, request.principal) }),
  );

  app.post<{ Body: LoginBody }>('/v1/auth/login', { schema: { body: LoginBody }, config: { public: true } }, async (request) => ({
    data: await accounts.login(request.body),
  }));

  app.post<{ Body: RefreshBody }>('/v1/auth/refresh', { schema: { body: RefreshBody }, config: { public: true } }, async (request) => ({
    data: await accounts.refresh(request.body.refreshToken),
  }));

  app.get('/v1/auth/me', { config: { account: true } }, async (request) => ({ data: await accounts.me(principalOf(request)) }));

  // An account route: a key has its caller, a signed-in user has none (no key to rotate).
  app.post('/v1/auth/rotate-key', { config: { account: true } }, async (request, reply) => {
    const caller = request.caller ? requireScope(request, 'admin') : undefined;
    return reply.status(201).send({ data: await apiKeys.rotate(caller) });
  });
}
