import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { AccountsService } from '../service/accounts.js';
import { type Caller, hasScope, type Principal, type Scope } from '../service/caller.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the bearer proved: an API key or a signed-in user. */
    principal: Principal | undefined;
    /** Who acts on which project; set on every authenticated project route. */
    caller: Caller | undefined;
  }
  interface FastifyContextConfig {
    /** The route needs no credentials. */
    public?: boolean;
    /** On a public route: a bearer sent along is still checked and becomes `request.principal`. */
    identify?: boolean;
    /**
     * The route acts on the caller's account rather than on one project: a signed-in user needs no
     * `Kairos-Project` and gets no caller; an API key still gets its project's caller.
     */
    account?: boolean;
    /**
     * The least scope the route needs of a caller. Left out, a GET (or HEAD) needs `read` and any
     * other method `write`; an account route (`account`) needs none unless it names one.
     */
    scope?: Scope;
  }
}

export const projectHeader = 'kairos-project';

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  return header.slice(7).trim() || undefined;
}

/** `request.principal` and `request.caller`, declared once on the root for every door to fill. */
export function decorateCredentials(app: FastifyInstance): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('caller', undefined);
}

/**
 * The bearer check of a door (the native API, and the dialects that take the same tokens: Runhooks,
 * JustRun), added to its plugin's own encapsulation context: every route of the door that is not
 * `public` resolves its bearer (an API key or an access token) and the project it acts on; then
 * `perCaller` counts the request against the caller's limits, now that the caller is known; and
 * once the request is validated (so a bad request is a 4xx naming the field whatever the key),
 * {@link enforceScopes} holds the caller to its route's scope.
 */
export function registerBearerAuthentication(scope: FastifyInstance, accounts: AccountsService, perCaller: onRequestAsyncHookHandler): void {
  scope.addHook('onRequest', async (request) => {
    if (!request.routeOptions.url) return; // unknown route: let it 404
    const config = request.routeOptions.config;
    const bearer = bearerOf(request);
    if (config.public) {
      if (config.identify && bearer !== undefined) request.principal = await accounts.authenticate(bearer);
      return;
    }
    const principal = await accounts.authenticate(bearer);
    request.principal = principal;
    if (config.account && principal.kind === 'user') return;
    const project = request.headers[projectHeader];
    request.caller = await accounts.callerFor(principal, typeof project === 'string' ? project : undefined);
  });
  scope.addHook('onRequest', perCaller);
  enforceScopes(scope);
}

/**
 * The one place a caller is held to the scope its route declares (`config.scope`, or the method's
 * default): every door adds it after its own credential check. A route with no caller (public, or
 * an account route of a signed-in user) has no scope to meet.
 */
export function enforceScopes(scope: FastifyInstance): void {
  scope.addHook('preHandler', async (request) => {
    if (!request.caller) return;
    const needed = scopeOf(request);
    if (needed) assertScope(request.caller, needed);
  });
}

/** The scope a request's route needs of its caller, if any (see `FastifyContextConfig.scope`). */
function scopeOf(request: FastifyRequest): Scope | undefined {
  const config = request.routeOptions.config;
  if (config.scope) return config.scope;
  if (config.account) return undefined;
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
}

/** The caller, when its scopes include `needed` (`admin` ⊃ `write` ⊃ `read`); a 403 naming the scope otherwise. */
function assertScope(caller: Caller, needed: Scope): Caller {
  if (!hasScope(caller.scopes, needed)) {
    throw new AppError('forbidden', `This API key lacks the "${needed}" scope.`, [{ field: 'scopes', issue: `must include "${needed}"` }]);
  }
  return caller;
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthorized', 'Send an API key or an access token as "Authorization: Bearer <token>".');
  return request.principal;
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new AppError('unauthorized', 'Send an API key or an access token as "Authorization: Bearer <token>".');
  return request.caller;
}

/**
 * For a route that resolves its caller itself (the event stream, which also takes a token in the
 * query): every other route declares its scope and {@link enforceScopes} holds the caller to it.
 */
export function requireScope(request: FastifyRequest, scope: Scope): Caller {
  return assertScope(callerOf(request), scope);
}
