import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Paths that belong to the server itself: never answered with the dashboard's page. */
export const serverPrefixes = ['/v1', '/compat', '/docs', '/openapi.json', '/badges', '/health', '/metrics'] as const;

function isServerPath(path: string): boolean {
  return serverPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`));
}

/**
 * The dashboard's built files at `/`. Built file names carry a hash of their content, so they are
 * cached for good; the page itself is always revalidated. Deep links are answered by the root's
 * not-found handler ({@link isDeepLink}), not by a catch-all route: a route for `/*` would be
 * found before any door's own not-found handler, so an unknown `/compat/runner/...` path would
 * lose its dialect's 404 shape.
 */
export async function registerDashboard(app: FastifyInstance, root: string | undefined): Promise<void> {
  if (root === undefined) return;
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per file present at start; any other path reaches the not-found handlers.
    wildcard: false,
    index: 'index.html',
    setHeaders(res, path) {
      res.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.header('x-content-type-options', 'nosniff');
    },
  });
}

/**
 * Whether a request no route took is a deep link into the dashboard (`/jobs/job_…`), which loads
 * the app and its router takes it from there. A server path or a missing built file (an old hash)
 * stays a 404.
 */
export function isDeepLink(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0]!;
  return !isServerPath(path) && !path.startsWith('/assets/');
}
