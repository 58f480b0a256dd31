import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** How long a Redis command may take before the caller goes on without it. */
const commandTimeoutMs = 250;

/**
 * A Redis connection for shared counters that never makes a request wait for Redis: commands
 * fail at once while it is unreachable (no offline queue) and after a short timeout when it hangs,
 * and the client keeps reconnecting in the background. Resolves once connected, or after
 * `waitMs` with the client still trying, so a server starts even while Redis is down.
 */
export async function connectRedis(url: string, logger: Logger, waitMs = 2_000): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    // One line per outage, not one per reconnection attempt.
    if (down) return;
    down = true;
    logger.warn({ err: err.message }, 'Redis is unreachable; rate limits fail open until it is back');
  });
  redis.on('ready', () => {
    if (down) logger.info('Redis is reachable again');
    down = false;
  });
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      timer.unref();
      redis.once('ready', done);
      function done() {
        clearTimeout(timer);
        redis.off('ready', done);
        resolve();
      }
    });
  }
  return redis;
}

/** Round-trip time of a PING, or why there was none. */
export async function pingRedis(redis: Redis): Promise<{ ok: true; latencyMs: number } | { ok: false; latencyMs: number; error: string }> {
  const started = performance.now();
  try {
    await redis.ping();
    return { ok: true, latencyMs: performance.now() - started };
  } catch (err) {
    return { ok: false, latencyMs: performance.now() - started, error: (err as Error).message };
  }
}

/** Closes the connection, politely when it is up. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  redis.disconnect();
}
