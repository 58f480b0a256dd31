import type { Store } from '../store/connect.js';
import { pingDatabase } from '../store/sql/health.js';

/** A probe waits this long for the database before calling it down, rather than hanging with it. */
const databaseTimeoutMs = 2_000;

export type DatabaseHealth =
  | { status: 'ok'; kind: Store['dialect']['kind']; latencyMs: number }
  | { status: 'down'; kind: Store['dialect']['kind']; latencyMs: number; error: string };

export type HealthService = ReturnType<typeof createHealthService>;

const answerWithin = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms).unref())]);

const round = (ms: number) => Math.round(ms * 100) / 100;

export function createHealthService(store: Store) {
  return {
    /** Whether the database answers, how fast, and which kind it is. */
    async database(): Promise<DatabaseHealth> {
      const started = performance.now();
      try {
        await answerWithin(pingDatabase(store.db), databaseTimeoutMs);
        return { status: 'ok', kind: store.dialect.kind, latencyMs: round(performance.now() - started) };
      } catch (err) {
        return { status: 'down', kind: store.dialect.kind, latencyMs: round(performance.now() - started), error: (err as Error).message };
      }
    },
  };
}
