import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../domain/errors.js';
import type { Metrics } from '../../../metrics.js';
import { clientErrors } from '../schemas/common.js';
import { MetricsText } from '../schemas/operations.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `/metrics` in Prometheus text format: public, or behind `Bearer <token>` when one is configured. */
export function metricsRoutes(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics: executions by status, delivery duration and lateness, queue depth, claim sizes',
        ...(expected ? {} : { security: [] }),
        response: { 200: MetricsText, ...clientErrors },
      },
      // A scraper polls it; its requests should neither spend nor be refused by a client's budget.
      config: { rateLimit: false },
    },
    async (request, reply) => {
      if (expected) {
        const sent = request.headers.authorization;
        if (sent === undefined || !timingSafeEqual(digest(sent), expected)) {
          throw new AppError('unauthorized', 'Send the metrics token as "Authorization: Bearer <KAIROS_METRICS_TOKEN>".');
        }
      }
      return reply.type(metrics.contentType).send(await metrics.render());
    },
  );
}
