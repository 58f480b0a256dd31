/**
 * Retry policies: how often and after how long a failed delivery is tried again. Pure and
 * deterministic; jitter, when a policy asks for it, needs a random number from the caller.
 */
import type { FieldIssue, Result } from './errors.js';
import { describe, present } from './input.js';

export const RETRY_STRATEGIES = ['none', 'fixed', 'linear', 'exponential'] as const;
export type RetryStrategy = (typeof RETRY_STRATEGIES)[number];

export interface RetryPolicy {
  /** Retries after the first attempt, 0–10. Always 0 when `strategy` is `none`. */
  maxRetries: number;
  strategy: RetryStrategy;
  /** Delay before the first retry, 0 ms – 24 h. */
  initialDelayMs: number;
  /** Growth factor for `exponential` (1–10, fractions allowed). Ignored by the other strategies. */
  multiplier: number;
  /** No delay is longer than this; >= initialDelayMs, at most 24 h. */
  maxDelayMs: number;
  /** Spread each delay by up to ±10 %, using the random number passed to {@link retryDelay}. Only present when true. */
  jitter?: true;
}

/** 3 retries after 30 s, 2 min and 8 min. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 3,
  strategy: 'exponential',
  initialDelayMs: 30_000,
  multiplier: 4,
  maxDelayMs: 3_600_000,
});

export const MAX_RETRIES = 10;
export const MAX_RETRY_DELAY_MS = 86_400_000;
export const MAX_MULTIPLIER = 10;
/** Largest share by which jitter moves a delay either way. */
export const JITTER_RATIO = 0.1;

const FIELDS = ['maxRetries', 'strategy', 'initialDelayMs', 'multiplier', 'maxDelayMs', 'jitter'];


/**
 * Validates a client's retry policy and fills the gaps from {@link DEFAULT_RETRY_POLICY}.
 * `undefined` or `null` is the default policy. Strategy `none` means no retries (maxRetries 0).
 * When `initialDelayMs` is given above the default `maxDelayMs` and `maxDelayMs` is not given,
 * `maxDelayMs` is raised to `initialDelayMs` rather than reported.
 */
export function compileRetryPolicy(input: unknown): Result<RetryPolicy> {
  if (!present(input)) return { ok: true, value: { ...DEFAULT_RETRY_POLICY } };
  if (typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, issues: [{ field: 'retryPolicy', issue: `must be an object, not ${describe(input)}` }] };
  }
  const fields = input as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(fields)) {
    if (!FIELDS.includes(key)) issues.push({ field: `retryPolicy.${key}`, issue: 'is not a field of a retry policy' });
  }

  const integer = (name: string, min: number, max: number, fallback: number): number => {
    const value = fields[name];
    if (!present(value)) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      issues.push({ field: `retryPolicy.${name}`, issue: `must be a whole number from ${min} to ${max}` });
      return fallback;
    }
    return value;
  };

  let strategy = DEFAULT_RETRY_POLICY.strategy;
  if (present(fields.strategy)) {
    const value = fields.strategy;
    if (typeof value !== 'string' || !(RETRY_STRATEGIES as readonly string[]).includes(value)) {
      issues.push({ field: 'retryPolicy.strategy', issue: `must be one of ${RETRY_STRATEGIES.join(', ')}` });
    } else {
      strategy = value as RetryStrategy;
    }
  }

  const maxRetries = integer('maxRetries', 0, MAX_RETRIES, DEFAULT_RETRY_POLICY.maxRetries);
  const initialDelayMs = integer('initialDelayMs', 0, MAX_RETRY_DELAY_MS, DEFAULT_RETRY_POLICY.initialDelayMs);
  const maxDelayGiven = present(fields.maxDelayMs);
  const maxDelayMs = integer(
    'maxDelayMs',
    0,
    MAX_RETRY_DELAY_MS,
    Math.max(DEFAULT_RETRY_POLICY.maxDelayMs, initialDelayMs),
  );
  if (maxDelayGiven && maxDelayMs < initialDelayMs && !issues.some((i) => i.field === 'retryPolicy.maxDelayMs')) {
    issues.push({ field: 'retryPolicy.maxDelayMs', issue: 'must not be less than initialDelayMs' });
  }

  let multiplier = DEFAULT_RETRY_POLICY.multiplier;
  if (present(fields.multiplier)) {
    const value = fields.multiplier;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > MAX_MULTIPLIER) {
      issues.push({ field: 'retryPolicy.multiplier', issue: `must be a number from 1 to ${MAX_MULTIPLIER}` });
    } else {
      multiplier = value;
    }
  }

  let jitter = false;
  if (present(fields.jitter)) {
    if (typeof fields.jitter !== 'boolean') {
      issues.push({ field: 'retryPolicy.jitter', issue: `must be true or false, not ${describe(fields.jitter)}` });
    } else {
      jitter = fields.jitter;
    }
  }

  if (issues.length > 0) return { ok: false, issues };
  const policy: RetryPolicy = {
    maxRetries: strategy === 'none' ? 0 : maxRetries,
    strategy,
    initialDelayMs,
    multiplier,
    maxDelayMs,
  };
  if (jitter) policy.jitter = true;
  return { ok: true, value: policy };
}

/**
 * Milliseconds to wait before retry number `attempt` (1 = the first retry), or null when the policy
 * allows no such retry. fixed: initialDelayMs; linear: initialDelayMs × attempt; exponential:
 * initialDelayMs × multiplier^(attempt − 1); always capped at maxDelayMs and rounded to whole ms.
 *
 * With `jitter`, `random` (a number in [0, 1), e.g. from Math.random) moves the delay by up to
 * ±10 % (0.5 = no change), still capped at maxDelayMs. Without `random` there is no jitter.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random?: number): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`retry attempt must be a whole number >= 1, not ${attempt}`);
  if (policy.strategy === 'none' || attempt > policy.maxRetries) return null;
  let delay: number;
  switch (policy.strategy) {
    case 'fixed':
      delay = policy.initialDelayMs;
      break;
    case 'linear':
      delay = policy.initialDelayMs * attempt;
      break;
    case 'exponential':
      delay = policy.initialDelayMs * policy.multiplier ** (attempt - 1);
      break;
  }
  if (policy.jitter && random !== undefined) {
    const r = Math.min(Math.max(random, 0), 1);
    delay *= 1 + (2 * r - 1) * JITTER_RATIO;
  }
  return Math.max(0, Math.round(Math.min(delay, policy.maxDelayMs)));
}
