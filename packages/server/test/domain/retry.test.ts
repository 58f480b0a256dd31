import { describe, expect, it } from 'vitest';
import type { FieldIssue, Result } from '../../src/domain/errors.js';
import { compileRetryPolicy, DEFAULT_RETRY_POLICY, retryDelay, type RetryPolicy } from '../../src/domain/retry.js';

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.issues)}`);
  return result.value;
}

function issues<T>(result: Result<T>): FieldIssue[] {
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.value)}`);
  return result.issues;
}

function fields<T>(result: Result<T>): string[] {
  return issues(result).map((i) => i.field);
}

const policy = (overrides: Partial<RetryPolicy>): RetryPolicy => ({ ...DEFAULT_RETRY_POLICY, ...overrides });

describe('compileRetryPolicy', () => {
  it('gives the default policy for undefined, null and {}', () => {
    const expected = { maxRetries: 3, strategy: 'exponential', initialDelayMs: 30_000, multiplier: 4, maxDelayMs: 3_600_000 };
    expect(value(compileRetryPolicy(undefined))).toEqual(expected);
    expect(value(compileRetryPolicy(null))).toEqual(expected);
    expect(value(compileRetryPolicy({}))).toEqual(expected);
  });

  it('returns a copy, never the frozen default itself', () => {
    const compiled = value(compileRetryPolicy(undefined));
    expect(compiled).not.toBe(DEFAULT_RETRY_POLICY);
    expect(Object.isFrozen(compiled)).toBe(false);
  });

  it('merges a partial policy onto the default', () => {
    expect(value(compileRetryPolicy({ maxRetries: 5 }))).toEqual({ ...DEFAULT_RETRY_POLICY, maxRetries: 5 });
    expect(value(compileRetryPolicy({ strategy: 'fixed', initialDelayMs: 10 }))).toEqual({
      ...DEFAULT_RETRY_POLICY,
      strategy: 'fixed',
      initialDelayMs: 10,
    });
  });

  it('accepts a complete policy as given', () => {
    const full = { maxRetries: 10, strategy: 'linear', initialDelayMs: 0, multiplier: 1, maxDelayMs: 0 } as const;
    expect(value(compileRetryPolicy(full))).toEqual(full);
  });

  it('accepts a fractional multiplier', () => {
    expect(value(compileRetryPolicy({ multiplier: 1.5 })).multiplier).toBe(1.5);
  });

  it('normalises strategy none to maxRetries 0', () => {
    expect(value(compileRetryPolicy({ strategy: 'none' })).maxRetries).toBe(0);
    expect(value(compileRetryPolicy({ strategy: 'none', maxRetries: 7 })).maxRetries).toBe(0);
  });

  it('accepts maxRetries 0 with any strategy (no retries)', () => {
    expect(value(compileRetryPolicy({ maxRetries: 0 })).maxRetries).toBe(0);
  });

  it('raises maxDelayMs to initialDelayMs when only initialDelayMs is given above the default cap', () => {
    const compiled = value(compileRetryPolicy({ initialDelayMs: 7_200_000 }));
    expect(compiled.maxDelayMs).toBe(7_200_000);
  });

  it('keeps jitter only when it is true', () => {
    expect(value(compileRetryPolicy({ jitter: true })).jitter).toBe(true);
    expect('jitter' in value(compileRetryPolicy({ jitter: false }))).toBe(false);
  });

  describe('422 cases', () => {
    it.each([
      ['a string', 'fast'],
      ['a number', 3],
      ['an array', []],
      ['a boolean', true],
    ])('refuses %s as a policy (retryPolicy)', (_what, input) => {
      expect(fields(compileRetryPolicy(input))).toEqual(['retryPolicy']);
    });

    it.each([
      [{ maxRetries: -1 }, 'retryPolicy.maxRetries'],
      [{ maxRetries: 11 }, 'retryPolicy.maxRetries'],
      [{ maxRetries: 1.5 }, 'retryPolicy.maxRetries'],
      [{ maxRetries: '3' }, 'retryPolicy.maxRetries'],
      [{ strategy: 'random' }, 'retryPolicy.strategy'],
      [{ strategy: 'Exponential' }, 'retryPolicy.strategy'],
      [{ strategy: 1 }, 'retryPolicy.strategy'],
      [{ initialDelayMs: -1 }, 'retryPolicy.initialDelayMs'],
      [{ initialDelayMs: 86_400_001 }, 'retryPolicy.initialDelayMs'],
      [{ initialDelayMs: 10.5 }, 'retryPolicy.initialDelayMs'],
      [{ initialDelayMs: '30s' }, 'retryPolicy.initialDelayMs'],
      [{ multiplier: 0.5 }, 'retryPolicy.multiplier'],
      [{ multiplier: 11 }, 'retryPolicy.multiplier'],
      [{ multiplier: Number.NaN }, 'retryPolicy.multiplier'],
      [{ multiplier: '2' }, 'retryPolicy.multiplier'],
      [{ maxDelayMs: -5 }, 'retryPolicy.maxDelayMs'],
      [{ maxDelayMs: 86_400_001 }, 'retryPolicy.maxDelayMs'],
      [{ maxDelayMs: 1_000 }, 'retryPolicy.maxDelayMs'],
      [{ initialDelayMs: 5_000, maxDelayMs: 4_999 }, 'retryPolicy.maxDelayMs'],
      [{ jitter: 'yes' }, 'retryPolicy.jitter'],
      [{ backoff: 'exponential' }, 'retryPolicy.backoff'],
    ])('refuses %j on %s', (input, field) => {
      expect(fields(compileRetryPolicy(input))).toEqual([field]);
    });

    it('reports every bad field at once', () => {
      expect(fields(compileRetryPolicy({ maxRetries: 99, strategy: 'x', multiplier: 0, extra: 1 })).sort()).toEqual([
        'retryPolicy.extra',
        'retryPolicy.maxRetries',
        'retryPolicy.multiplier',
        'retryPolicy.strategy',
      ]);
    });

    it('explains each problem', () => {
      for (const issue of issues(compileRetryPolicy({ maxRetries: 11, maxDelayMs: 1 }))) {
        expect(issue.issue.length).toBeGreaterThan(5);
      }
    });
  });
});

describe('retryDelay', () => {
  it('waits 30 s, 2 min and 8 min under the default policy, then gives up', () => {
    const p = value(compileRetryPolicy(undefined));
    expect([1, 2, 3, 4].map((n) => retryDelay(p, n))).toEqual([30_000, 120_000, 480_000, null]);
  });

  it('fixed: the initial delay every time', () => {
    const p = policy({ strategy: 'fixed', initialDelayMs: 10, maxRetries: 3 });
    expect([1, 2, 3, 4].map((n) => retryDelay(p, n))).toEqual([10, 10, 10, null]);
  });

  it('linear: initial × attempt', () => {
    const p = policy({ strategy: 'linear', initialDelayMs: 1_000, maxRetries: 4 });
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(p, n))).toEqual([1_000, 2_000, 3_000, 4_000, null]);
  });

  it('exponential: initial × multiplier^(attempt − 1)', () => {
    const p = policy({ strategy: 'exponential', initialDelayMs: 100, multiplier: 2, maxRetries: 5, maxDelayMs: 86_400_000 });
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(p, n))).toEqual([100, 200, 400, 800, 1_600]);
  });

  it('exponential with a fractional multiplier rounds to whole ms', () => {
    const p = policy({ strategy: 'exponential', initialDelayMs: 10, multiplier: 1.5, maxRetries: 3 });
    expect([1, 2, 3].map((n) => retryDelay(p, n))).toEqual([10, 15, 23]);
  });

  it('every strategy is capped at maxDelayMs', () => {
    expect(retryDelay(policy({ strategy: 'exponential', maxRetries: 10 }), 10)).toBe(3_600_000);
    expect(retryDelay(policy({ strategy: 'linear', initialDelayMs: 1_000, maxDelayMs: 2_500, maxRetries: 5 }), 5)).toBe(2_500);
    expect(retryDelay(policy({ strategy: 'fixed', initialDelayMs: 1_000, maxDelayMs: 1_000 }), 1)).toBe(1_000);
  });

  it('the largest policy stays finite', () => {
    const p = policy({ strategy: 'exponential', initialDelayMs: 86_400_000, multiplier: 10, maxRetries: 10, maxDelayMs: 86_400_000 });
    expect(retryDelay(p, 10)).toBe(86_400_000);
  });

  it('none: never retries', () => {
    const p = value(compileRetryPolicy({ strategy: 'none' }));
    expect(retryDelay(p, 1)).toBeNull();
    expect(retryDelay({ ...p, maxRetries: 3 }, 1)).toBeNull();
  });

  it('maxRetries 0: never retries', () => {
    expect(retryDelay(policy({ maxRetries: 0 }), 1)).toBeNull();
  });

  it('refuses attempt numbers below 1 or fractional (a programming error)', () => {
    expect(() => retryDelay(DEFAULT_RETRY_POLICY, 0)).toThrow(RangeError);
    expect(() => retryDelay(DEFAULT_RETRY_POLICY, 1.5)).toThrow(RangeError);
  });

  it('is deterministic: no jitter unless the policy asks for it', () => {
    const p = policy({});
    expect(retryDelay(p, 1, 0)).toBe(30_000);
    expect(retryDelay(p, 1, 0.99)).toBe(30_000);
  });

  it('jitter moves a delay by at most ±10 %, driven by the given random number', () => {
    const p = policy({ jitter: true });
    expect(retryDelay(p, 1, 0)).toBe(27_000);
    expect(retryDelay(p, 1, 0.5)).toBe(30_000);
    expect(retryDelay(p, 1, 1)).toBe(33_000);
    expect(retryDelay(p, 1)).toBe(30_000);
    for (let r = 0; r < 1; r += 0.01) {
      const d = retryDelay(p, 2, r)!;
      expect(d).toBeGreaterThanOrEqual(108_000);
      expect(d).toBeLessThanOrEqual(132_000);
    }
  });

  it('jitter never exceeds maxDelayMs', () => {
    const p = policy({ jitter: true, maxRetries: 10 });
    expect(retryDelay(p, 10, 0.999)).toBe(3_600_000);
  });
});
