import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AccountsService } from '../../../service/accounts.js';
import type { ApiKeysService } from '../../../service/apiKeys.js';
import { principalOf } from '../../authenticate.js';
import {
  AnonymousRegistration,
  LoginBody,
  Me,
  NewApiKey,
  RefreshBody,
  RegisterAnonymousBody,
  RegisterBody,
  Registration,
  Session,
  Tokens,
} from '../schemas/accounts.js';
import { clientErrors, Data } from '../schemas/common.js';
import { meView, newApiKeyView, projectView, userView } from '../views.js';

const tags = ['auth'];
/** No bearer needed (one may still be sent, see register). */
const security: never[] = [];

export const authRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountsService; apiKeys: ApiKeysService }> = async (app, { accounts, apiKeys }) => {
  // Public, but a bearer sent along is checked: on a closed server an admin may still register.
  app.post(
    '/auth/register-anonymous',
    {
      schema: {
        tags,
        security,
        summary: 'A project with one all-scopes API key, without a user account',
        body: RegisterAnonymousBody,
        response: { 201: Data(AnonymousRegistration), ...clientErrors },
      },
      config: { public: true, identify: true },
    },
    async (request, reply) => {
      const made = await accounts.registerAnonymous(request.body.name, request.principal);
      return reply.status(201).send({ data: { ...made, project: projectView(made.project) } });
    },
  );

  app.post(
    '/auth/register',
    {
      schema: {
        tags,
        security,
        summary: 'An account with its first project, an API key and a signed-in session',
        body: RegisterBody,
        response: { 201: Data(Registration), ...clientErrors },
      },
      config: { public: true, identify: true },
    },
    async (request, reply) => {
      const made = await accounts.register(request.body, request.principal);
      return reply.status(201).send({ data: { ...made, user: userView(made.user), project: projectView(made.project) } });
    },
  );

  app.post(
    '/auth/login',
    { schema: { tags, security, summary: 'Sign in', body: LoginBody, response: { 200: Data(Session), ...clientErrors } }, config: { public: true } },
    async (request) => {
      const session = await accounts.login(request.body);
      return { data: { ...session, user: userView(session.user) } };
    },
  );

  app.post(
    '/auth/refresh',
    {
      schema: { tags, security, summary: 'Exchange a refresh token for new tokens', body: RefreshBody, response: { 200: Data(Tokens), ...clientErrors } },
      config: { public: true },
    },
    async (request) => ({ data: await accounts.refresh(request.body.refreshToken) }),
  );

  app.get(
    '/auth/me',
    { schema: { tags, summary: 'The signed-in user and their projects, or the API key and its project', response: { 200: Data(Me), ...clientErrors } }, config: { account: true } },
    async (request) => ({ data: meView(await accounts.me(principalOf(request))) }),
  );

  // An account route: a key has its caller, a signed-in user has none (no key to rotate).
  app.post(
    '/auth/rotate-key',
    { schema: { tags, summary: 'Replace the calling API key with a new one', response: { 201: Data(NewApiKey), ...clientErrors } }, config: { account: true, scope: 'admin' } },
    async (request, reply) => {
      return reply.status(201).send({ data: newApiKeyView(await apiKeys.rotate(request.caller)) });
    },
  );
};
