import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { AccountsService, Caller, Scope } from '../service/accounts.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | undefined;
  }
  interface FastifyContextConfig {
    /** The route needs no API key. */
    public?: boolean;
  }
}

/** Resolves the bearer key of every `/v1` request that is not public. */
export function registerAuthentication(app: FastifyInstance, accounts: AccountsService): void {
  app.decorateRequest('caller', undefined);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || !request.url.startsWith('/v1/') || request.url.startsWith('/v1/health')) return;
    if (!request.routeOptions.url) return; // unknown route: let it 404
    const header = request.headers.authorization;
    const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    request.caller = await accounts.authenticate(key);
  });
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
  return request.caller;
}

/** A key without the scope may read but not change: 403 names the scope it lacks. */
export function requireScope(request: FastifyRequest, scope: Scope): Caller {
  const caller = callerOf(request);
  if (!caller.scopes.has(scope) && !caller.scopes.has('admin')) {
    throw new AppError('forbidden', `This API key lacks the "${scope}" scope.`);
  }
  return caller;
}
