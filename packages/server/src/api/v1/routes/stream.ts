import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerResponse } from 'node:http';
import { Type } from 'typebox';
import { AppError } from '../../../domain/errors.js';
import type { AccountsService } from '../../../service/accounts.js';
import type { JobsService } from '../../../service/jobs.js';
import type { FeedEvent, LiveFeed } from '../../../service/liveFeed.js';
import type { StreamTokens } from '../../../service/streamTokens.js';
import { callerOf, principalOf, projectHeader, requireScope } from '../../authenticate.js';
import { clientErrors, Data } from '../schemas/common.js';
import { StreamQuery, StreamToken } from '../schemas/live.js';
import { executionView, jobView } from '../views.js';

/** A comment line this often keeps proxies from closing an idle stream. */
export const keepAliveMs = 15_000;
/**
 * What one connection may hold unsent: past this, writing waits for the client to read, and a
 * client that has not read within {@link drainTimeoutMs} is dropped rather than buffered for.
 */
export const maxBufferedBytes = 1024 * 1024;
export const drainTimeoutMs = 5_000;

const tags = ['jobs'];

export interface StreamRouteDeps {
  accounts: AccountsService;
  tokens: StreamTokens;
  feed: LiveFeed;
  jobs: Pick<JobsService, 'get'>;
}

/** The event's record as the native API shows it (GET /v1/executions/:id, GET /v1/jobs/:id). */
function dataOf(e: FeedEvent): unknown {
  if (e.event === 'execution') return executionView(e.data);
  return e.event === 'job' ? jobView(e.data) : e.data;
}

function frame(e: FeedEvent): string {
  return `event: ${e.event}\n${e.id === undefined ? '' : `id: ${e.id}\n`}data: ${JSON.stringify(dataOf(e))}\n\n`;
}

/** `text/event-stream` of the project's attempts and job changes: see service/liveFeed.ts. */
export const streamRoutes: FastifyPluginAsyncTypebox<StreamRouteDeps> = async (app, { accounts, tokens, feed, jobs }) => {
  const open = new Set<ServerResponse>();
  // Hijacked responses are not the server's to close: end them, or closing would wait on them.
  app.addHook('preClose', async () => {
    feed.closeAll();
    for (const res of open) res.end();
  });

  app.post(
    '/stream/tokens',
    { schema: { tags, summary: 'A token for GET /v1/stream?token=… (for EventSource, which cannot send headers), valid 5 minutes', response: { 201: Data(StreamToken, 'The token'), ...clientErrors } }, config: { scope: 'read' } },
    async (request, reply) => {
      const { token, expiresAt } = await tokens.issue(principalOf(request), callerOf(request));
      return reply.status(201).send({ data: { token, expiresAt: new Date(expiresAt).toISOString() } });
    },
  );

  app.get(
    '/stream',
    {
      // Authenticated here: by the bearer as usual, or by a stream token in the query.
      config: { public: true, identify: true },
      schema: {
        tags,
        summary:
          'Server-sent events: `execution` (data as GET /v1/executions/:id, id the execution id), `job` (as GET /v1/jobs/:id) and `job.deleted` ({ id }), ' +
          'a `: keep-alive` comment every 15 s. Last-Event-ID (or ?lastEventId) sends the attempts recorded after that one first (at most 1 000). ' +
          'A client that stops reading is dropped.',
        querystring: StreamQuery,
        response: { 200: { description: 'The event stream', content: { 'text/event-stream': { schema: Type.String() } } }, ...clientErrors },
      },
    },
    async (request, reply) => {
      let projectId: string;
      if (request.principal) {
        const header = request.headers[projectHeader];
        const caller = await accounts.callerFor(request.principal, typeof header === 'string' ? header : undefined);
        request.caller = caller;
        projectId = requireScope(request, 'read').projectId;
      } else if (request.query.token !== undefined) {
        projectId = await tokens.projectOf(request.query.token);
      } else {
        throw new AppError('unauthorized', 'Send an API key or an access token as "Authorization: Bearer <token>", or a stream token as ?token= (POST /v1/stream/tokens).');
      }
      const { jobId } = request.query;
      if (jobId !== undefined) await jobs.get(projectId, jobId);
      const header = request.headers['last-event-id'];
      const lastEventId = (typeof header === 'string' && header !== '' ? header : undefined) ?? request.query.lastEventId;
      if (lastEventId !== undefined && !/^exe_[0-9a-z]{10,40}$/.test(lastEventId)) {
        throw AppError.validation([{ field: typeof header === 'string' && header !== '' ? 'Last-Event-ID' : 'lastEventId', issue: 'must be an execution id (exe_…)' }]);
      }

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n');
      open.add(res);

      let stop = () => {};
      let dead = false;
      const keepAlive = setInterval(() => {
        if (res.writableLength < maxBufferedBytes) res.write(': keep-alive\n\n');
      }, keepAliveMs);
      const end = (destroy: boolean) => {
        if (dead) return;
        dead = true;
        clearInterval(keepAlive);
        stop();
        open.delete(res);
        if (destroy) res.destroy();
      };
      res.on('close', () => end(false));

      const drained = () =>
        new Promise<boolean>((resolve) => {
          const done = (ok: boolean) => {
            clearTimeout(timer);
            res.off('drain', onDrain);
            res.off('close', onClose);
            resolve(ok);
          };
          const onDrain = () => done(true);
          const onClose = () => done(false);
          const timer = setTimeout(() => done(false), drainTimeoutMs);
          res.on('drain', onDrain);
          res.on('close', onClose);
        });

      stop = await feed.open(projectId, { jobId, lastEventId }, async (events) => {
        for (const e of events) {
          if (dead) return false;
          res.write(frame(e));
          if (res.writableLength > maxBufferedBytes && !(await drained())) {
            end(true);
            return false;
          }
        }
        return !dead;
      });
      if (dead) stop();
    },
  );
};
