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
  /** Signs access tokens (HS256); when unset, one is made at first start and kept in the database. */
  jwtSecret: string | undefined;
  /** `closed`: only the first account on a fresh install, or an admin, may register. */
  registration: 'open' | 'closed';
  /** When set, `/metrics` wants `Authorization: Bearer <this token>`; otherwise it is public. */
  metricsToken: string | undefined;
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

function registration(env: NodeJS.ProcessEnv): 'open' | 'closed' {
  const raw = env.KAIROS_REGISTRATION || 'open';
  if (raw !== 'open' && raw !== 'closed') throw new Error(`KAIROS_REGISTRATION must be "open" or "closed", got "${raw}"`);
  return raw;
}

function jwtSecret(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.KAIROS_JWT_SECRET || undefined;
  // HS256 wants a key of at least 256 bits; a short one could be guessed offline from any token.
  if (raw !== undefined && raw.length < 32) throw new Error('KAIROS_JWT_SECRET must be at least 32 characters long');
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const d = defaultEngineTuning;
  return {
    port: int(env, 'KAIROS_PORT', 8080),
    host: env.KAIROS_HOST || '127.0.0.1',
    databaseUrl: env.KAIROS_DATABASE_URL || 'sqlite:./data/kairos.db',
    allowTargets: env.KAIROS_ALLOW_TARGETS || undefined,
    logLevel: env.KAIROS_LOG_LEVEL || 'info',
    jwtSecret: jwtSecret(env),
    registration: registration(env),
    metricsToken: env.KAIROS_METRICS_TOKEN || undefined,
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
