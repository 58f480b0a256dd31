import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { version } from '../../config.js';
import { pingRedis } from '../../redis.js';
import type { Store } from '../../store/connect.js';
import { Health } from '../schemas/operations.js';

export interface HealthDeps {
  store: Store;
  /** Checked and reported when rate-limit counters live in Redis. */
  redis?: Redis;
  startedAt: number;
}

const answerWithin = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms).unref())]);

/**
 * Liveness with the state and latency of every dependency in use: the database, and Redis when
 * configured. 503 when one of them does not answer.
 */
export function healthRoutes(app: FastifyInstance, { store, redis, startedAt }: HealthDeps): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const checks = await Promise.all([checkDatabase(store), redis ? checkRedis(redis) : undefined]);
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
    summary: 'Health of the server and of every dependency in use',
    security: [],
    response: { 200: Health, 503: Health },
  };
  // Probes poll these; a 429 would have an orchestrator restart a healthy node.
  const config = { rateLimit: false as const };
  app.get('/v1/health', { schema, config }, handler);
  app.get('/health', { schema: { ...schema, summary: 'Same as /v1/health' }, config }, handler);
}

/** The database's state and how long `SELECT 1` took; shared with the dialects' health routes. */
export async function checkDatabase(store: Store) {
  const started = performance.now();
  try {
    await answerWithin(sql`SELECT 1`.execute(store.db), 2_000);
    return { status: 'ok' as const, kind: store.kind, latencyMs: round(performance.now() - started) };
  } catch (err) {
    return { status: 'down' as const, kind: store.kind, latencyMs: round(performance.now() - started), error: (err as Error).message };
  }
}

export async function checkRedis(redis: Redis) {
  const r = await pingRedis(redis);
  return r.ok ? { status: 'ok' as const, latencyMs: round(r.latencyMs) } : { status: 'down' as const, latencyMs: round(r.latencyMs), error: r.error };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
