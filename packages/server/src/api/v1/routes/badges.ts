import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { BadgesService } from '../../../service/badges.js';

const tags = ['badges'];

const Svg = { description: 'An SVG image; a grey "unknown" badge for a job that does not exist or whose project turned badges off', content: { 'image/svg+xml': { schema: Type.String() } } };
const JobIdParams = Type.Object({ jobId: Type.String() });

// A README or status page embeds these: a minute's staleness is fine and spares the database.
const sendSvg = (reply: FastifyReply, svg: string) =>
  reply.header('cache-control', 'public, max-age=60').header('x-content-type-options', 'nosniff').type('image/svg+xml; charset=utf-8').send(svg);

/** Public badges outside `/v1`: the job id is the token, as in JustRun. */
export function badgeRoutes(app: FastifyInstance, badges: BadgesService): void {
  app.get<{ Params: { jobId: string } }>(
    '/badges/:jobId/status.svg',
    { schema: { tags, summary: "A job's status badge: passing, failing, paused (or pending before its first run)", security: [], params: JobIdParams, response: { 200: Svg } } },
    async (request, reply) => sendSvg(reply, await badges.status(request.params.jobId)),
  );

  app.get<{ Params: { jobId: string } }>(
    '/badges/:jobId/uptime.svg',
    { schema: { tags, summary: "A job's uptime badge: the share of its attempts over the last 30 days that succeeded", security: [], params: JobIdParams, response: { 200: Svg } } },
    async (request, reply) => sendSvg(reply, await badges.uptime(request.params.jobId)),
  );
}
