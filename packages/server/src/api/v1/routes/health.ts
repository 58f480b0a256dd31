import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { version } from '../../../config.js';
import { pingRedis } from '../../../redis.js';
import type { HealthService } from '../../../service/health.js';
import { Health } from '../schemas/operations.js';

export interface HealthDeps {
  health: HealthService;
  /** Checked and reported when rate-limit counters live in Redis. */
  redis?: Redis;
  startedAt: number;
}

/**
 * Liveness with the state and latency of every dependency in use: the database, and Redis when
 * configured. 503 when one of them does not answer. `/health` of the scope it is added to: the
 * native API's plugin (`/v1/health`) and the server's root.
 */
export function healthRoute(app: FastifyInstance, { health, redis, startedAt }: HealthDeps, summary = 'Health of the server and of every dependency in use'): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const checks = await Promise.all([health.database(), redis ? checkRedis(redis) : undefined]);
    const [database, redisState] = checks;
    const ok = checks.every((c) => c === undefined || c.status === 'ok');
    // Every 5xx is logged at info: here, which dependency is down.
    if (!ok) request.log.info({ method: request.method, url: request.url, status: 503, database, redis: redisState }, 'request refused: a dependency is down');
    return reply.status(ok ? 200 : 503).send({
      data: {
        status: ok ? 'ok' : 'degraded',
        version,
        uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
        database,
        ...(redisState ? { redis: redisState } : {}),
      },
    });
  };
  const schema = {
    tags: ['operations'],
    summary,
    security: [],
    response: { 200: Health, 503: Health },
  };
  // Probes poll it; a 429 would have an orchestrator restart a healthy node. No credentials either.
  app.get('/health', { schema, config: { rateLimit: false, public: true } }, handler);
}

/** Redis's state and how long a PING took; shared with the dialects' health routes. */
export async function checkRedis(redis: Redis) {
  const r = await pingRedis(redis);
  return r.ok ? { status: 'ok' as const, latencyMs: round(r.latencyMs) } : { status: 'down' as const, latencyMs: round(r.latencyMs), error: r.error };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
