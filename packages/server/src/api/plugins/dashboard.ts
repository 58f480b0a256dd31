import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Paths that belong to the server itself: never answered with the dashboard's page. */
export const serverPrefixes = ['/v1', '/compat', '/docs', '/openapi.json', '/badges', '/health', '/metrics'] as const;

function isServerPath(path: string): boolean {
  return serverPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`));
}

/**
 * The dashboard's built files at `/`, and its page for every other path (a deep link such as
 * `/jobs/job_…` loads the app, whose router takes it from there). Built file names carry a hash
 * of their content, so they are cached for good; the page itself is always revalidated.
 */
export async function registerDashboard(app: FastifyInstance, root: string | undefined): Promise<void> {
  if (root === undefined) return;
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root,
      prefix: '/',
      // One route per file present at start, so that any other path reaches the catch-all below.
      wildcard: false,
      index: 'index.html',
      setHeaders(res, path) {
        res.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
        res.header('x-content-type-options', 'nosniff');
      },
    });
    // Public: an unknown /v1 path reaching this route is a 404, as it is without the dashboard.
    scope.get('/*', { schema: { hide: true }, config: { public: true } }, (request, reply) => {
      const path = request.url.split('?')[0]!;
      // A missing built file (an old hash) or a server path stays a 404, never the page.
      if (isServerPath(path) || path.startsWith('/assets/')) return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  });
}
