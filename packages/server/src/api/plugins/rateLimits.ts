import { createRequire } from 'node:module';
import rateLimit, { type FastifyRateLimitOptions, type FastifyRateLimitStore, type FastifyRateLimitStoreCtor, normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Redis } from 'ioredis';
import { type RateClass, rateClasses, type RateLimits, type RateRule } from '../../config.js';
import { AppError } from '../../domain/errors.js';

const require = createRequire(import.meta.url);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The rate-limit class a route counts under; derived from its method and path unless set. */
    rateClass?: RateClass;
  }
  interface FastifyRequest {
    /** The tightest limit this request was counted against so far. */
    rateLimitUsage: Usage | undefined;
    /** The per-minute limit of the caller's plan for this request's class, while it is counted. */
    planRateMax: number | undefined;
  }
}

export interface Usage {
  max: number;
  remaining: number;
  resetMs: number;
  /** The length of the limit's window (for draft-7's `RateLimit-Policy: 100;w=900`). */
  windowMs: number;
}

/** The per-minute limits of a project's plan, where it has them. */
export interface PlanRates {
  requestsPerMinute?: number | null;
  runNowPerMinute?: number | null;
}

export interface RateLimitOptions {
  limits: RateLimits;
  /** Counters shared by every node; in this process's memory when absent. */
  redis?: Redis;
  redisPrefix?: string;
  /** Told of every request refused, by class (or `ip`, or the name of a keyed limit). */
  onLimited?: (rateClass: string) => void;
  /** The plan of a caller's project: its per-minute limits are counted besides the profile's. */
  planRates?: (projectId: string) => Promise<PlanRates>;
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The class of a route from its method and path pattern (`/v1/jobs/:id/run`). */
export function classifyRoute(method: string | readonly string[], url: string): RateClass {
  const methods = typeof method === 'string' ? [method] : method;
  if (url.startsWith('/v1/auth/register')) return 'registration';
  if (url === '/v1/auth/login' || url === '/v1/auth/refresh') return 'login';
  if (methods.includes('POST') && /^\/v1\/jobs\/[^/]+\/run$/.test(url)) return 'runNow';
  if (methods.includes('POST') && /^\/v1\/executions\/[^/]+\/replay$/.test(url)) return 'replay';
  if ((url === '/v1/jobs' || url.startsWith('/v1/jobs/')) && methods.some((m) => writeMethods.has(m))) return 'jobWrites';
  return 'general';
}

const describeClass: Record<string, string> = {
  ip: 'requests from one address',
  general: 'requests',
  jobWrites: 'job changes',
  runNow: 'runs started by hand',
  replay: 'replays',
  registration: 'sign-ups from one address',
  login: 'sign-ins and token refreshes from one address',
  inbound: 'requests to this inbound webhook URL',
};

function per(windowMs: number): string {
  if (windowMs % 3_600_000 === 0) return windowMs === 3_600_000 ? 'hour' : `${windowMs / 3_600_000} hours`;
  if (windowMs % 60_000 === 0) return windowMs === 60_000 ? 'minute' : `${windowMs / 60_000} minutes`;
  if (windowMs % 1_000 === 0) return windowMs === 1_000 ? 'second' : `${windowMs / 1_000} seconds`;
  return `${windowMs} ms`;
}

/** The client's address, with an IPv6 client's whole /64 counted as one (it usually owns it). */
const addressOf = (request: FastifyRequest) => normalizeIP(request.ip);

/** Whom a request counts against: its API key, the signed-in user, or else its address. */
function callerOf(request: FastifyRequest): string {
  const p = request.principal;
  if (p?.kind === 'key') return `key:${p.keyId}`;
  if (p?.kind === 'user') return `user:${p.userId}`;
  return `addr:${addressOf(request)}`;
}

/**
 * Sign-ups and sign-ins count per address even when a bearer comes along: otherwise each new
 * project's key would bring a fresh allowance for the next sign-up.
 */
const perAddress: ReadonlySet<RateClass> = new Set(['registration', 'login']);

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * Rate limits with @fastify/rate-limit's counters (in memory, or in Redis shared by every node).
 * Each request is counted twice: per client address over every route (`ip`), before its bearer is
 * checked, so a flood of bad tokens stops early; and per caller in its route's class, once the
 * bearer is known. The response's `RateLimit-*` and `X-RateLimit-*` headers describe whichever of
 * the two has fewer requests left; going over either is a 429 with `Retry-After`. When Redis fails,
 * requests go through uncounted rather than being refused.
 *
 * Returns the two hooks; the caller adds `byAddress` before authentication and `byCaller` after.
 * `keyed` makes a hook for one route that counts under a key of the route's choosing, such as the
 * slug of a public URL, with the same counters, headers and 429.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  options: RateLimitOptions,
): Promise<{
  byAddress: onRequestAsyncHookHandler;
  byCaller: onRequestAsyncHookHandler;
  keyed: (name: string, rule: RateRule, key: (request: FastifyRequest) => string) => onRequestAsyncHookHandler;
}> {
  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    ...(options.redis ? { store: redisStore(options.redis, `${options.redisPrefix ?? ''}rl:`) } : {}),
  });
  app.decorateRequest('rateLimitUsage', undefined);
  app.decorateRequest('planRateMax', undefined);

  app.addHook('onRoute', (route) => {
    if (route.config?.rateClass) return;
    route.config = { ...route.config, rateClass: classifyRoute(route.method, route.url) };
  });

  const limiter = (rule: RateRule, name: string, key: (request: FastifyRequest) => string): Limiter =>
    app.createRateLimit({
      max: rule.max,
      timeWindow: rule.windowMs,
      // The class is part of the key: in Redis every limiter shares one key space.
      keyGenerator: (request) => `${name}|${key(request)}`,
      skipOnError: true,
      // Per limiter, in memory: enough callers that an address flood cannot evict busy ones.
      cache: 20_000,
    } as Parameters<FastifyInstance['createRateLimit']>[0]);

  const byAddressLimiter = limiter(options.limits.ip, 'ip', addressOf);
  // One counter per caller and class for plan limits; the limit itself is the caller's plan's.
  const planLimiter = (name: string) =>
    app.createRateLimit({
      max: (request: FastifyRequest) => request.planRateMax ?? Number.MAX_SAFE_INTEGER,
      timeWindow: 60_000,
      keyGenerator: (request: FastifyRequest) => `${name}|${callerOf(request)}`,
      skipOnError: true,
      cache: 20_000,
    } as Parameters<FastifyInstance['createRateLimit']>[0]);
  const byPlan = { general: planLimiter('plan-general'), runNow: planLimiter('plan-runNow') };
  const byClass = Object.fromEntries(rateClasses.map((c) => [c, limiter(options.limits[c], c, perAddress.has(c) ? addressOf : callerOf)])) as Record<RateClass, Limiter>;

  async function count(request: FastifyRequest, reply: FastifyReply, limit: Limiter, name: string, rule: RateRule): Promise<void> {
    const result = await limit(request);
    if (result.isAllowed) return;
    const resetMs = result.ttl > 0 ? result.ttl : rule.windowMs;
    const previous = request.rateLimitUsage;
    if (!previous || result.remaining < previous.remaining || (result.remaining === previous.remaining && result.max < previous.max)) {
      const usage = { max: result.max, remaining: result.remaining, resetMs, windowMs: rule.windowMs };
      request.rateLimitUsage = usage;
      const resetSeconds = Math.ceil(resetMs / 1000);
      reply.headers({
        'ratelimit-limit': usage.max,
        'ratelimit-remaining': usage.remaining,
        'ratelimit-reset': resetSeconds,
        'x-ratelimit-limit': usage.max,
        'x-ratelimit-remaining': usage.remaining,
        // JustRun's and GitHub's spelling: the instant the window ends, in Unix seconds.
        'x-ratelimit-reset': Math.ceil((Date.now() + resetMs) / 1000),
      });
    }
    if (!result.isExceeded) return;
    const retryAfter = Math.max(1, Math.ceil(resetMs / 1000));
    reply.header('retry-after', retryAfter);
    options.onLimited?.(name);
    throw new AppError(
      'rate_limited',
      `Too many ${describeClass[name] ?? 'requests'}: at most ${rule.max} per ${per(rule.windowMs)}. Retry after ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`,
    );
  }

  return {
    async byAddress(request, reply) {
      if (request.routeOptions.config.rateLimit === false) return;
      await count(request, reply, byAddressLimiter, 'ip', options.limits.ip);
    },
    async byCaller(request, reply) {
      const config = request.routeOptions.config;
      if (config.rateLimit === false) return;
      const rateClass = config.rateClass ?? 'general';
      await count(request, reply, byClass[rateClass], rateClass, options.limits[rateClass]);
      if (options.planRates && request.caller && (rateClass === 'general' || rateClass === 'runNow')) {
        const plan = await options.planRates(request.caller.projectId);
        const max = rateClass === 'general' ? plan.requestsPerMinute : plan.runNowPerMinute;
        if (max === null || max === undefined) return;
        request.planRateMax = max;
        await count(request, reply, byPlan[rateClass], rateClass, { max, windowMs: 60_000 });
      }
    },
    keyed(name, rule, key) {
      const limit = limiter(rule, name, key);
      return async (request, reply) => count(request, reply, limit, name, rule);
    },
  };
}

/** What the plugin hands a store and its children (typed loosely by the plugin). */
interface StoreParams {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  routeInfo?: { method?: string; url?: string };
}
type RedisStoreClass = new (continueExceeding: boolean | undefined, exponentialBackoff: boolean | undefined, redis: Redis, key: string) => FastifyRateLimitStore;

/**
 * The plugin's Redis store, keyed `<prefix>rl:<class>|<caller>`. Its own store prefixes each
 * limiter's keys with the route's method and URL, which a limiter made by `createRateLimit` has
 * none of: every key read `rl:undefinedundefined-<class>|…`. Our limiters carry their class in
 * the key already.
 */
function redisStore(redis: Redis, nameSpace: string): FastifyRateLimitStoreCtor {
  const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as RedisStoreClass;
  return class KairosRedisStore implements FastifyRateLimitStore {
    private readonly base: FastifyRateLimitStore;
    constructor(options: FastifyRateLimitOptions) {
      const params = options as StoreParams;
      this.base = new RedisStore(params.continueExceeding, params.exponentialBackoff, redis, nameSpace);
    }
    incr(...args: Parameters<FastifyRateLimitStore['incr']>): void {
      this.base.incr(...args);
    }
    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const params = routeOptions as unknown as StoreParams;
      if (params.routeInfo?.method !== undefined && params.routeInfo.url !== undefined) return this.base.child(routeOptions);
      return new RedisStore(params.continueExceeding, params.exponentialBackoff, redis, nameSpace);
    }
  };
}
