import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { version } from '../../config.js';
import type { Store } from '../../store/connect.js';
import { Health } from '../schemas/operations.js';

/** Liveness with the state of every dependency; 503 when the database does not answer. */
export function healthRoutes(app: FastifyInstance, store: Store, startedAt: number): void {
  const handler = async (_req: unknown, reply: import('fastify').FastifyReply) => {
    const started = performance.now();
    let database: { status: 'ok' | 'down'; kind: string; latencyMs: number; error?: string };
    try {
      await Promise.race([
        sql`SELECT 1`.execute(store.db),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref()),
      ]);
      database = { status: 'ok', kind: store.kind, latencyMs: round(performance.now() - started) };
    } catch (err) {
      database = { status: 'down', kind: store.kind, latencyMs: round(performance.now() - started), error: (err as Error).message };
    }
    const ok = database.status === 'ok';
    return reply.status(ok ? 200 : 503).send({
      data: { status: ok ? 'ok' : 'degraded', version, uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000), database },
    });
  };
  const schema = {
    tags: ['operations'],
    summary: 'Health of the server and of every dependency in use',
    security: [],
    response: { 200: Health, 503: Health },
  };
  app.get('/v1/health', { schema }, handler);
  app.get('/health', { schema: { ...schema, summary: 'Same as /v1/health' } }, handler);
}

const round = (ms: number) => Math.round(ms * 100) / 100;
