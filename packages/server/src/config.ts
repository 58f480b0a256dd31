import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const version: string = (require('../package.json') as { version: string }).version;

/** Everything the server can be told from outside; read once, from the environment only. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  allowTargets: string | undefined;
  logLevel: string;
  engine: EngineTuning;
}

/** Engine knobs; defaults suit one 2-core machine, tests shorten the lease. */
export interface EngineTuning {
  /** How long a claimed run stays ours without renewal; a dead node's runs return after this. */
  leaseMs: number;
  /** Runs due within this window are claimed ahead and wait in memory. */
  horizonMs: number;
  /** How often the claimer looks ahead for runs entering the horizon. */
  pollMs: number;
  /** Most runs held in memory (waiting, queued or in flight) at once. */
  maxHeld: number;
  claimBatch: number;
  globalConcurrency: number;
  perOriginConcurrency: number;
  /** How long SIGTERM waits for in-flight deliveries before releasing them. */
  shutdownGraceMs: number;
}

export const defaultEngineTuning: EngineTuning = {
  leaseMs: 15_000,
  horizonMs: 5_000,
  pollMs: 1_000,
  maxHeld: 20_000,
  claimBatch: 2_000,
  globalConcurrency: 512,
  perOriginConcurrency: 256,
  shutdownGraceMs: 10_000,
};

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const d = defaultEngineTuning;
  return {
    port: int(env, 'KAIROS_PORT', 8080),
    host: env.KAIROS_HOST || '127.0.0.1',
    databaseUrl: env.KAIROS_DATABASE_URL || 'sqlite:./data/kairos.db',
    allowTargets: env.KAIROS_ALLOW_TARGETS || undefined,
    logLevel: env.KAIROS_LOG_LEVEL || 'info',
    engine: {
      leaseMs: int(env, 'KAIROS_LEASE_MS', d.leaseMs),
      horizonMs: d.horizonMs,
      pollMs: d.pollMs,
      maxHeld: d.maxHeld,
      claimBatch: d.claimBatch,
      globalConcurrency: int(env, 'KAIROS_CONCURRENCY', d.globalConcurrency),
      perOriginConcurrency: int(env, 'KAIROS_ORIGIN_CONCURRENCY', d.perOriginConcurrency),
      shutdownGraceMs: int(env, 'KAIROS_SHUTDOWN_GRACE_MS', d.shutdownGraceMs),
    },
  };
}
