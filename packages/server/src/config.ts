import { parsePlans, type Plan } from './domain/plans.js';
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
  /** Every plan the install offers, by name. */
  plans: ReadonlyMap<string, Plan>;
  /** The plan of projects that were not assigned one. */
  defaultPlan: Plan;
  /** When set, `/metrics` wants `Authorization: Bearer <this token>`; otherwise it is public. */
  metricsToken: string | undefined;
  /** Rate-limit counters live here when set, shared by every node; in memory otherwise. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key Kairos writes, so several installs can share one Redis. */
  redisPrefix: string;
  /** Which proxies' `X-Forwarded-For` to believe for the client address (Fastify's `trustProxy`). */
  trustProxy: boolean | number | string;
  rateLimits: RateLimits;
  engine: EngineTuning;
  /** Email destinations over SMTP: `smtp://user:pass@host:port` or `smtps://…` (KAIROS_SMTP_URL). */
  smtpUrl: string | undefined;
  /** The sender of email destinations (KAIROS_EMAIL_FROM). */
  emailFrom: string;
  /** Email destinations through Resend's HTTP API when SMTP is not configured (RESEND_API_KEY). */
  resendApiKey: string | undefined;
  /** Resend's API base (KAIROS_RESEND_API_URL). */
  resendApiUrl: string;
  /** Telegram's Bot API base (KAIROS_TELEGRAM_API_URL). */
  telegramApiUrl: string;
  /** cron-job.org's REST API base, that imports fetch a user's jobs from (KAIROS_CRONJOBORG_API_URL). */
  cronjobOrgApiUrl: string;
  /** EasyCron's API base, that imports fetch a user's jobs from (KAIROS_EASYCRON_API_URL). */
  easycronApiUrl: string;
  /** Where users reach this server (KAIROS_PUBLIC_URL, no trailing slash), for links in notices; null when unset. */
  publicUrl: string | null;
}

/** At most `max` requests per `windowMs` (a fixed window). */
export interface RateRule {
  max: number;
  windowMs: number;
}

/**
 * The route classes a request is counted under, each per caller: its API key, the signed-in user
 * of an access token, or the client address when the request carries neither. Registration and
 * login always count per client address.
 */
export const rateClasses = ['general', 'jobWrites', 'runNow', 'replay', 'registration', 'login'] as const;
export type RateClass = (typeof rateClasses)[number];

/** One rule per route class, counted per caller, and `ip`: every request, counted per client address. */
export type RateLimits = Record<RateClass | 'ip', RateRule>;

const minute = 60_000;

/**
 * Ready-made tables. `default` suits a self-hosted machine client: no benchmark or bulk import
 * reaches it (single creates run at about 8 000 a second on a 2-core machine: 480 000 a minute),
 * while sign-up and sign-in (scrypt hashes) stay limited per address. `strict` is the Runhooks
 * table, for a server open to public sign-ups; run now takes JustRun's 10 a minute.
 */
export const rateProfiles: Record<'default' | 'strict', RateLimits> = {
  default: {
    ip: { max: 2_000_000, windowMs: minute },
    general: { max: 1_000_000, windowMs: minute },
    jobWrites: { max: 1_000_000, windowMs: minute },
    runNow: { max: 1_000_000, windowMs: minute },
    replay: { max: 1_000_000, windowMs: minute },
    registration: { max: 30, windowMs: minute },
    login: { max: 60, windowMs: minute },
  },
  strict: {
    ip: { max: 100, windowMs: 15 * minute },
    general: { max: 100, windowMs: 15 * minute },
    jobWrites: { max: 30, windowMs: minute },
    runNow: { max: 10, windowMs: minute },
    replay: { max: 10, windowMs: minute },
    registration: { max: 5, windowMs: 60 * minute },
    login: { max: 10, windowMs: minute },
  },
};

/** Engine knobs; defaults suit one 2-core machine, tests shorten the lease. */
export interface EngineTuning {
  /** How long a claimed run stays ours without renewal; a dead node's runs return after this. */
  leaseMs: number;
  /** Runs due within this window are claimed ahead and wait in memory. */
  horizonMs: number;
  /** How often the claimer looks ahead for runs entering the horizon. */
  pollMs: number;
  /**
   * Runs held in memory (waiting, queued or in flight) above which no more are claimed. Runs
   * queued behind an origin that is at its concurrency bound do not count, so a hanging target
   * cannot starve the others; `maxHeldHard` bounds memory whatever happens.
   */
  maxHeld: number;
  maxHeldHard: number;
  /** Runs leased per claim statement; also bounds how long one claim holds SQLite's thread. */
  claimBatch: number;
  globalConcurrency: number;
  perOriginConcurrency: number;
  /** How long SIGTERM waits for in-flight deliveries before releasing them. */
  shutdownGraceMs: number;
  /**
   * The first retry delay of a message a run set off (callback, event, alert notice); each
   * further retry waits four times longer.
   */
  messageRetryMs: number;
}

export const defaultEngineTuning: EngineTuning = {
  leaseMs: 15_000,
  horizonMs: 5_000,
  pollMs: 1_000,
  maxHeld: 20_000,
  maxHeldHard: 200_000,
  claimBatch: 1_000,
  globalConcurrency: 512,
  perOriginConcurrency: 256,
  shutdownGraceMs: 10_000,
  messageRetryMs: 30_000,
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

function plansOf(env: NodeJS.ProcessEnv): { plans: ReadonlyMap<string, Plan>; defaultPlan: Plan } {
  const plans = parsePlans(env.KAIROS_PLANS || undefined);
  const name = env.KAIROS_DEFAULT_PLAN || 'unlimited';
  const defaultPlan = plans.get(name);
  if (!defaultPlan) throw new Error(`KAIROS_DEFAULT_PLAN names no plan: "${name}"; plans are ${[...plans.keys()].join(', ')}`);
  return { plans, defaultPlan };
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

/**
 * `KAIROS_RATE_PROFILE` (default or strict) picks a table; `KAIROS_RATE_LIMITS`, a JSON object
 * such as `{"jobWrites":{"max":1000},"login":{"max":20,"windowMs":60000}}`, overrides rules of it.
 */
function rateLimits(env: NodeJS.ProcessEnv): RateLimits {
  const profile = env.KAIROS_RATE_PROFILE || 'default';
  if (profile !== 'default' && profile !== 'strict') throw new Error(`KAIROS_RATE_PROFILE must be "default" or "strict", got "${profile}"`);
  const limits: RateLimits = structuredClone(rateProfiles[profile]);
  const raw = env.KAIROS_RATE_LIMITS;
  if (raw === undefined || raw.trim() === '') return limits;
  let overrides: unknown;
  try {
    overrides = JSON.parse(raw);
  } catch (err) {
    throw new Error(`KAIROS_RATE_LIMITS must be a JSON object: ${(err as Error).message}`);
  }
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) throw new Error('KAIROS_RATE_LIMITS must be a JSON object');
  const names = ['ip', ...rateClasses];
  for (const [name, rule] of Object.entries(overrides)) {
    if (!names.includes(name)) throw new Error(`KAIROS_RATE_LIMITS: unknown class "${name}"; the classes are ${names.join(', ')}`);
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) throw new Error(`KAIROS_RATE_LIMITS.${name} must be an object like {"max":100,"windowMs":60000}`);
    const target = limits[name as keyof RateLimits];
    for (const [field, value] of Object.entries(rule as Record<string, unknown>)) {
      if (field !== 'max' && field !== 'windowMs') throw new Error(`KAIROS_RATE_LIMITS.${name}: unknown field "${field}"; give max and/or windowMs`);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`KAIROS_RATE_LIMITS.${name}.${field} must be a positive integer`);
      target[field] = value;
    }
  }
  return limits;
}

function trustProxy(env: NodeJS.ProcessEnv): boolean | number | string {
  const raw = (env.KAIROS_TRUST_PROXY || '').trim();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

function httpUrl(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an http or https URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be an http or https URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

function publicUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env.KAIROS_PUBLIC_URL || undefined;
  return raw === undefined ? null : httpUrl(env, 'KAIROS_PUBLIC_URL', raw);
}

function smtpUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.KAIROS_SMTP_URL || undefined;
  if (raw === undefined) return undefined;
  let ok = false;
  try {
    const url = new URL(raw);
    ok = (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
  } catch {
    // reported below, without echoing a URL that may hold a password
  }
  if (!ok) throw new Error('KAIROS_SMTP_URL must look like smtp://user:password@host:587 or smtps://user:password@host:465');
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
    ...plansOf(env),
    metricsToken: env.KAIROS_METRICS_TOKEN || undefined,
    redisUrl: env.KAIROS_REDIS_URL || undefined,
    redisPrefix: env.KAIROS_REDIS_PREFIX || 'kairos:',
    trustProxy: trustProxy(env),
    rateLimits: rateLimits(env),
    smtpUrl: smtpUrl(env),
    emailFrom: env.KAIROS_EMAIL_FROM || 'Kairos <kairos@localhost>',
    resendApiKey: env.RESEND_API_KEY || undefined,
    resendApiUrl: httpUrl(env, 'KAIROS_RESEND_API_URL', 'https://api.resend.com'),
    telegramApiUrl: httpUrl(env, 'KAIROS_TELEGRAM_API_URL', 'https://api.telegram.org'),
    cronjobOrgApiUrl: httpUrl(env, 'KAIROS_CRONJOBORG_API_URL', 'https://api.cron-job.org'),
    easycronApiUrl: httpUrl(env, 'KAIROS_EASYCRON_API_URL', 'https://www.easycron.com'),
    publicUrl: publicUrl(env),
    engine: {
      leaseMs: int(env, 'KAIROS_LEASE_MS', d.leaseMs),
      horizonMs: d.horizonMs,
      pollMs: d.pollMs,
      maxHeld: d.maxHeld,
      maxHeldHard: d.maxHeldHard,
      claimBatch: d.claimBatch,
      globalConcurrency: int(env, 'KAIROS_CONCURRENCY', d.globalConcurrency),
      perOriginConcurrency: int(env, 'KAIROS_ORIGIN_CONCURRENCY', d.perOriginConcurrency),
      shutdownGraceMs: int(env, 'KAIROS_SHUTDOWN_GRACE_MS', d.shutdownGraceMs),
      messageRetryMs: int(env, 'KAIROS_MESSAGE_RETRY_MS', d.messageRetryMs),
    },
  };
}
