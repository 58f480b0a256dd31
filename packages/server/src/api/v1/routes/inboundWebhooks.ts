import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '../../../domain/errors.js';
import { nestingIssue, nestsDeeperThan } from '../../../domain/nesting.js';
import { type InboundWebhooksService, signatureHeader } from '../../../service/inboundWebhooks.js';
import { Type } from 'typebox';
import { callerOf } from '../../authenticate.js';
import { clientErrors, Data, IdParams, NoContent, Paged, Pagination } from '../schemas/common.js';
import { CreateInboundWebhookBody, InboundAccepted, InboundRequest, InboundWebhook, SlugParams } from '../schemas/inboundWebhooks.js';
import { inboundRequestView, inboundWebhookView, iso } from '../views.js';

const tags = ['inbound-webhooks'];

/** Runner's limit: a posted payload is a job's payload, which is at most 256 KiB. */
export const inboundBodyLimit = 256 * 1024;
/** Runner's limit per generated URL. */
export const inboundRate = { max: 60, windowMs: 60_000 };

export interface InboundRouteOptions {
  webhooks: InboundWebhooksService;
  /** KAIROS_PUBLIC_URL; when absent, URLs are built from the host each request was sent to. */
  publicUrl?: string;
  /** Counts requests per slug (see rateLimits.ts `keyed`). */
  limitPerSlug: onRequestAsyncHookHandler;
}

export const inboundWebhookRoutes: FastifyPluginAsyncTypebox<InboundRouteOptions> = async (app, options) => {
  const { webhooks } = options;
  const baseUrl = (request: FastifyRequest) => options.publicUrl ?? `${request.protocol}://${request.host}`;

  app.post(
    '/inbound-webhooks',
    { schema: { tags, summary: 'Create an inbound webhook: a public URL whose JSON POSTs become one-time jobs', body: CreateInboundWebhookBody, response: { 201: Data(InboundWebhook), ...clientErrors } } },
    async (request, reply) => reply.status(201).send({ data: inboundWebhookView(await webhooks.create(callerOf(request), request.body), baseUrl(request)) }),
  );

  app.get(
    '/inbound-webhooks',
    { schema: { tags, summary: "The project's inbound webhooks, newest first", querystring: Pagination, response: { 200: Paged(InboundWebhook), ...clientErrors } } },
    async (request) => {
      const { page, perPage } = request.query;
      const { items, total } = await webhooks.list(callerOf(request), { page, perPage });
      return { data: items.map((w) => inboundWebhookView(w, baseUrl(request))), meta: { page, perPage, total } };
    },
  );

  app.get(
    '/inbound-webhooks/:id',
    { schema: { tags, summary: 'Read an inbound webhook', params: IdParams, response: { 200: Data(InboundWebhook), ...clientErrors } } },
    async (request) => ({ data: inboundWebhookView(await webhooks.get(callerOf(request), request.params.id), baseUrl(request)) }),
  );

  app.get(
    '/inbound-webhooks/:id/requests',
    {
      schema: {
        tags,
        summary: "The requests an inbound webhook accepted, newest first, each with the one-time job it became and how its delivery went",
        description:
          'Every accepted request is kept as its job, for as long as the job is (finished one-time jobs are pruned with the execution history). Refused requests (bad signature, not JSON, over the rate limit) are not recorded.',
        params: IdParams,
        querystring: Pagination,
        response: { 200: Paged(InboundRequest), ...clientErrors },
      },
    },
    async (request) => {
      const { page, perPage } = request.query;
      const { items, total } = await webhooks.requests(callerOf(request), request.params.id, { page, perPage });
      return { data: items.map(inboundRequestView), meta: { page, perPage, total } };
    },
  );

  app.delete(
    '/inbound-webhooks/:id',
    { schema: { tags, summary: 'Delete an inbound webhook; its URL answers 404 from then on', params: IdParams, response: { 204: NoContent, ...clientErrors } } },
    async (request, reply) => {
      await webhooks.remove(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  // The signature covers the bytes as sent, so this one route parses JSON itself and keeps them.
  const rawBodies = new WeakMap<FastifyRequest, Buffer>();
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: inboundBodyLimit }, (request, body: Buffer, done) => {
      rawBodies.set(request, body);
      if (body.length === 0) return done(new AppError('bad_request', 'The body is empty; send JSON.'), undefined);
      let value: unknown;
      try {
        value = JSON.parse(body.toString('utf8'));
      } catch (err) {
        return done(new AppError('bad_request', `The body is not valid JSON: ${(err as Error).message}`), undefined);
      }
      // This public route answers every problem with its body as a 400, as it does invalid JSON.
      if (nestsDeeperThan(value)) return done(new AppError('bad_request', `The body ${nestingIssue}.`, [{ field: 'body', issue: nestingIssue }]), undefined);
      done(null, value);
    });

    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      '/inbound/:slug',
      {
        schema: {
          tags,
          summary: 'Send a JSON payload to an inbound webhook (no API key; signed with x-kairos-signature when the webhook has a secret): it becomes a one-time job',
          security: [],
          params: SlugParams,
          body: Type.Unknown({ description: 'Any JSON value, at most 256 KiB: the payload of the job' }),
          response: { 202: Data(InboundAccepted, 'The job that will deliver the payload'), ...clientErrors },
        },
        bodyLimit: inboundBodyLimit,
        config: { public: true },
        onRequest: options.limitPerSlug,
      },
      async (request, reply) => {
        const raw = rawBodies.get(request);
        if (raw === undefined) throw new AppError('bad_request', 'Send a JSON body with Content-Type: application/json.');
        const signature = request.headers[signatureHeader];
        const accepted = await webhooks.receive(request.params.slug, raw, request.body, typeof signature === 'string' ? signature : undefined);
        return reply.status(202).send({ data: { jobId: accepted.jobId, scheduledFor: iso(accepted.scheduledFor) } });
      },
    );
  });
};

/** The key the per-slug limit counts under. */
export const slugOf = (request: FastifyRequest): string => (request.params as { slug?: string }).slug ?? '';
