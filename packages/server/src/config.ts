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

function int(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

function databaseUrl(raw: string | undefined): string {
  const url = raw || 'sqlite:./data/kairos.db';
  if (/^sqlite:(\/\/)?./.test(url) || /^postgres(ql)?:\/\/./.test(url)) return url;
  // Only the scheme is echoed: the rest may hold a password.
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(url)?.[0];
  throw new Error(`KAIROS_DATABASE_URL must be sqlite:PATH, postgres://… or postgresql://…; ${scheme ? `"${scheme}" is not supported` : 'it has no scheme'}`);
}

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function logLevel(raw: string | undefined): string {
  const level = raw || 'info';
  if (!(logLevels as readonly string[]).includes(level)) throw new Error(`KAIROS_LOG_LEVEL must be one of ${logLevels.join(', ')}, got "${level}"`);
  return level;
}

function plans(raw: string | undefined): ReadonlyMap<string, Plan> {
  return parsePlans(raw || undefined);
}

function defaultPlan(raw: string | undefined, env: NodeJS.ProcessEnv): Plan {
  const all = plans(env.KAIROS_PLANS);
  const name = raw || 'unlimited';
  const plan = all.get(name);
  if (!plan) throw new Error(`KAIROS_DEFAULT_PLAN names no plan: "${name}"; plans are ${[...all.keys()].join(', ')}`);
  return plan;
}

function registration(raw: string | undefined): 'open' | 'closed' {
  const value = raw || 'open';
  if (value !== 'open' && value !== 'closed') throw new Error(`KAIROS_REGISTRATION must be "open" or "closed", got "${value}"`);
  return value;
}

function jwtSecret(raw: string | undefined): string | undefined {
  // HS256 wants a key of at least 256 bits; a short one could be guessed offline from any token.
  if (raw && raw.length < 32) throw new Error('KAIROS_JWT_SECRET must be at least 32 characters long');
  return raw || undefined;
}

function rateProfile(raw: string | undefined): 'default' | 'strict' {
  const profile = raw || 'default';
  if (profile !== 'default' && profile !== 'strict') throw new Error(`KAIROS_RATE_PROFILE must be "default" or "strict", got "${profile}"`);
  return profile;
}

/**
 * `KAIROS_RATE_PROFILE` (default or strict) picks a table; `KAIROS_RATE_LIMITS`, a JSON object
 * such as `{"jobWrites":{"max":1000},"login":{"max":20,"windowMs":60000}}`, overrides rules of it.
 */
function rateLimits(raw: string | undefined, env: NodeJS.ProcessEnv): RateLimits {
  const limits: RateLimits = structuredClone(rateProfiles[rateProfile(env.KAIROS_RATE_PROFILE)]);
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

function trustProxy(raw: string | undefined): boolean | number | string {
  const value = (raw || '').trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function httpUrl(name: string, raw: string | undefined, fallback: string): string {
  const value = raw || fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be an http or https URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be an http or https URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

function publicUrl(raw: string | undefined): string | null {
  return raw ? httpUrl('KAIROS_PUBLIC_URL', raw, raw) : null;
}

function smtpUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
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

/** One environment variable: how it reads, and how the README and `kairos --help` describe it. */
export interface Setting<T> {
  name: string;
  /** The default as the docs show it (Markdown). */
  shown: string;
  /** What it does (Markdown, a table cell of the README; `--help` shows it without backticks). */
  meaning: string;
  read(raw: string | undefined, env: NodeJS.ProcessEnv): T;
}

const setting = <T>(name: string, shown: string, meaning: string, read: (raw: string | undefined, env: NodeJS.ProcessEnv) => T): Setting<T> => ({ name, shown, meaning, read });
const text = (fallback: string) => (raw: string | undefined) => raw || fallback;
const optional = (raw: string | undefined): string | undefined => raw || undefined;
const d = defaultEngineTuning;
const engineInt = (name: string, fallback: number) => (raw: string | undefined) => int(name, raw, fallback);

/**
 * Every setting, in the order the README's Configuration table and `kairos --help` list them:
 * the one place they are declared, read, defaulted and described.
 */
export const settings = {
  port: setting('KAIROS_PORT', '`8080`', 'port to listen on', (raw) => int('KAIROS_PORT', raw, 8080)),
  host: setting('KAIROS_HOST', '`127.0.0.1`', 'address to listen on', text('127.0.0.1')),
  databaseUrl: setting(
    'KAIROS_DATABASE_URL',
    '`sqlite:./data/kairos.db`',
    '`sqlite:PATH`, or `postgres://user@host:5432/db` (`postgresql://` too); any other scheme stops the start. One server per SQLite file, which it holds through a lock on `PATH-lock` beside it (a second is refused)',
    databaseUrl,
  ),
  allowTargets: setting('KAIROS_ALLOW_TARGETS', 'none', 'comma-separated CIDRs or host names that jobs may target besides public addresses, e.g. `127.0.0.0/8,10.0.0.0/8,intranet.example`', optional),
  logLevel: setting('KAIROS_LOG_LEVEL', '`info`', `${logLevels.join(', ')}; \`info\` logs start and stop, every failed delivery and every 5xx answer, \`debug\` every delivery too`, logLevel),
  defaultPlan: setting('KAIROS_DEFAULT_PLAN', '`unlimited`', 'the plan of projects not assigned one', defaultPlan),
  plans: setting('KAIROS_PLANS', 'none', 'JSON of plans to add or override (see Plans)', plans),
  registration: setting('KAIROS_REGISTRATION', '`open`', '`closed`: only the first account on a fresh install, or an admin, may register', registration),
  jwtSecret: setting(
    'KAIROS_JWT_SECRET',
    'generated',
    'signs access tokens (HS256), at least 32 characters; when unset, one is generated at first start and kept in the database, so tokens survive restarts and every node accepts them',
    jwtSecret,
  ),
  metricsToken: setting('KAIROS_METRICS_TOKEN', 'none', 'when set, `/metrics` wants `Authorization: Bearer <token>`', optional),
  rateProfile: setting('KAIROS_RATE_PROFILE', '`default`', '`strict`: the Runhooks table, for public sign-ups (see Rate limits)', rateProfile),
  rateLimits: setting('KAIROS_RATE_LIMITS', 'none', 'JSON overriding rules of the profile, e.g. `{"jobWrites":{"max":1000,"windowMs":60000}}`', rateLimits),
  redisUrl: setting('KAIROS_REDIS_URL', 'none', '`redis://host:6379`: rate-limit counters shared by every node, and Redis in `/v1/health`', optional),
  redisPrefix: setting('KAIROS_REDIS_PREFIX', '`kairos:`', 'prefix of every Redis key Kairos writes', text('kairos:')),
  trustProxy: setting('KAIROS_TRUST_PROXY', 'none', '`true`, a hop count, or comma-separated proxy addresses/CIDRs whose `X-Forwarded-For` names the client', trustProxy),
  leaseMs: setting('KAIROS_LEASE_MS', `\`${d.leaseMs}\``, "how long a node's claim on a run lasts without renewal; a dead node's runs are taken over after it", engineInt('KAIROS_LEASE_MS', d.leaseMs)),
  concurrency: setting('KAIROS_CONCURRENCY', `\`${d.globalConcurrency}\``, 'deliveries in flight at once', engineInt('KAIROS_CONCURRENCY', d.globalConcurrency)),
  originConcurrency: setting(
    'KAIROS_ORIGIN_CONCURRENCY',
    `\`${d.perOriginConcurrency}\``,
    'deliveries in flight to one origin, so a slow target fills only its share; an origin whose requests time out gets half as many at once after each round of timeouts (down to a sixteenth), and one more with each answer',
    engineInt('KAIROS_ORIGIN_CONCURRENCY', d.perOriginConcurrency),
  ),
  shutdownGraceMs: setting('KAIROS_SHUTDOWN_GRACE_MS', `\`${d.shutdownGraceMs}\``, 'how long SIGTERM waits for deliveries in flight', engineInt('KAIROS_SHUTDOWN_GRACE_MS', d.shutdownGraceMs)),
  messageRetryMs: setting(
    'KAIROS_MESSAGE_RETRY_MS',
    `\`${d.messageRetryMs}\``,
    'the first retry delay of a callback, event or alert notice that was not taken; each further one waits 4× longer',
    engineInt('KAIROS_MESSAGE_RETRY_MS', d.messageRetryMs),
  ),
  smtpUrl: setting(
    'KAIROS_SMTP_URL',
    'none',
    'email destinations over SMTP: `smtp://user:password@host:587` (STARTTLS when offered) or `smtps://user:password@host:465`; one pooled transport',
    smtpUrl,
  ),
  emailFrom: setting('KAIROS_EMAIL_FROM', '`Kairos <kairos@localhost>`', 'the sender of email destinations', text('Kairos <kairos@localhost>')),
  resendApiKey: setting('RESEND_API_KEY', 'none', "without `KAIROS_SMTP_URL`: email destinations through Resend's HTTP API", optional),
  resendApiUrl: setting('KAIROS_RESEND_API_URL', '`https://api.resend.com`', "Resend's API base (`POST <base>/emails`)", (raw) => httpUrl('KAIROS_RESEND_API_URL', raw, 'https://api.resend.com')),
  telegramApiUrl: setting('KAIROS_TELEGRAM_API_URL', '`https://api.telegram.org`', "Telegram's Bot API base, e.g. a local Bot API server", (raw) => httpUrl('KAIROS_TELEGRAM_API_URL', raw, 'https://api.telegram.org')),
  cronjobOrgApiUrl: setting('KAIROS_CRONJOBORG_API_URL', '`https://api.cron-job.org`', "cron-job.org's REST API base, that imports fetch a user's jobs from", (raw) => httpUrl('KAIROS_CRONJOBORG_API_URL', raw, 'https://api.cron-job.org')),
  easycronApiUrl: setting('KAIROS_EASYCRON_API_URL', '`https://www.easycron.com`', "EasyCron's API base, that imports fetch a user's jobs from", (raw) => httpUrl('KAIROS_EASYCRON_API_URL', raw, 'https://www.easycron.com')),
  publicUrl: setting(
    'KAIROS_PUBLIC_URL',
    'from each request',
    "the server's address as the outside world reaches it, e.g. `https://kairos.example.com` (no trailing slash): the base of the inbound webhook URLs it hands out, and, once the dashboard is built and served, of the job links in alert notices (`<url>/jobs/<id>`; none otherwise)",
    publicUrl,
  ),
} as const;

type Settings = typeof settings;

/** The README's Configuration table, made from {@link settings} (a test keeps the README in step). */
export function settingsTable(): string {
  const rows = Object.values(settings).map((s) => `| \`${s.name}\` | ${s.shown} | ${s.meaning.replace(/\|/g, '\\|')} |`);
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** The settings as `kairos --help` lists them: plain text, wrapped to 100 columns. */
export function settingsHelp(): string {
  const plain = (markdown: string) => markdown.replace(/`/g, '');
  const width = Math.max(...Object.values(settings).map((s) => s.name.length)) + 2;
  const lines: string[] = [];
  for (const s of Object.values(settings)) {
    const words = `${plain(s.meaning)} (default: ${plain(s.shown)})`.split(' ');
    let line = `  ${s.name.padEnd(width)}`;
    let empty = true;
    for (const word of words) {
      if (!empty && line.length + 1 + word.length > 100) {
        lines.push(line);
        line = ' '.repeat(width + 2);
        empty = true;
      }
      line += empty ? word : ` ${word}`;
      empty = false;
    }
    lines.push(line);
  }
  return lines.join('\n');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const get = <K extends keyof Settings>(key: K): ReturnType<Settings[K]['read']> => settings[key].read(env[settings[key].name], env) as ReturnType<Settings[K]['read']>;
  return {
    port: get('port'),
    host: get('host'),
    databaseUrl: get('databaseUrl'),
    allowTargets: get('allowTargets'),
    logLevel: get('logLevel'),
    jwtSecret: get('jwtSecret'),
    registration: get('registration'),
    plans: get('plans'),
    defaultPlan: get('defaultPlan'),
    metricsToken: get('metricsToken'),
    redisUrl: get('redisUrl'),
    redisPrefix: get('redisPrefix'),
    trustProxy: get('trustProxy'),
    // The profile (KAIROS_RATE_PROFILE) is read with its overrides.
    rateLimits: get('rateLimits'),
    smtpUrl: get('smtpUrl'),
    emailFrom: get('emailFrom'),
    resendApiKey: get('resendApiKey'),
    resendApiUrl: get('resendApiUrl'),
    telegramApiUrl: get('telegramApiUrl'),
    cronjobOrgApiUrl: get('cronjobOrgApiUrl'),
    easycronApiUrl: get('easycronApiUrl'),
    publicUrl: get('publicUrl'),
    engine: {
      leaseMs: get('leaseMs'),
      horizonMs: d.horizonMs,
      pollMs: d.pollMs,
      maxHeld: d.maxHeld,
      maxHeldHard: d.maxHeldHard,
      claimBatch: d.claimBatch,
      globalConcurrency: get('concurrency'),
      perOriginConcurrency: get('originConcurrency'),
      shutdownGraceMs: get('shutdownGraceMs'),
      messageRetryMs: get('messageRetryMs'),
    },
  };
}
