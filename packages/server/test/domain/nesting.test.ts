import { describe, expect, it } from 'vitest';
import { compileJobDefinition } from '../../src/domain/jobDefinition.js';
import { maxNesting, nestingIssues, nestsDeeperThan } from '../../src/domain/nesting.js';

const nested = (levels: number, inner: unknown = 1): unknown => {
  let value = inner;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
};

describe('the nesting limit (issue 14, defect 2)', () => {
  it('counts levels of objects and arrays, scalars being none', () => {
    expect(nestsDeeperThan(1, 0)).toBe(false);
    expect(nestsDeeperThan('deep', 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan([[1]], 1)).toBe(true);
    expect(nestsDeeperThan([[1]], 2)).toBe(false);
    // The deepest branch counts, wherever it sits.
    expect(nestsDeeperThan({ a: 1, b: [2, { c: [3] }], d: {} }, 3)).toBe(true);
    expect(nestsDeeperThan({ a: 1, b: [2, { c: [3] }], d: {} }, 4)).toBe(false);
  });

  it('counts a flat object or array as one level, and looks past its scalars for what nests', () => {
    expect(nestsDeeperThan({ a: 1, b: 'x', c: null }, 1)).toBe(false);
    expect(nestsDeeperThan([1, 'x', null, true], 1)).toBe(false);
    expect(nestsDeeperThan({ a: 1, b: 'x', c: {} }, 1)).toBe(true);
    expect(nestsDeeperThan([1, 'x', null, []], 1)).toBe(true);
    // Only the value's own fields count, as JSON has no others.
    const inherits = Object.create({ deep: { deeper: {} } }) as Record<string, unknown>;
    inherits.own = 1;
    expect(nestsDeeperThan(inherits, 1)).toBe(false);
  });

  it('allows 64 levels and refuses 65', () => {
    expect(maxNesting).toBe(64);
    expect(nestsDeeperThan(nested(64))).toBe(false);
    expect(nestsDeeperThan(nested(65))).toBe(true);
  });

  it('walks without recursion: a million levels do not overflow the stack', () => {
    const text = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    expect(nestsDeeperThan(JSON.parse(text))).toBe(true);
  });

  it('names each field nested too deeply', () => {
    expect(nestingIssues({ ok: nested(64), payload: nested(65), headers: nested(100) }, 'jobs[2].')).toEqual([
      { field: 'jobs[2].payload', issue: 'nests deeper than 64 levels of objects and arrays' },
      { field: 'jobs[2].headers', issue: 'nests deeper than 64 levels of objects and arrays' },
    ]);
    expect(nestingIssues('text')).toEqual([]);
  });

  it('is checked by the job definition before anything walks a field recursively', () => {
    const now = Date.UTC(2030, 0, 1);
    const job = (extra: Record<string, unknown>) => compileJobDefinition({ url: 'https://example.com/', schedule: { type: 'once', delay: 1000 }, ...extra }, now, () => null);
    expect(job({ payload: nested(64) }).ok).toBe(true);
    for (const [field, value] of [
      ['payload', nested(10_000, '$job')],
      ['destination', nested(10_000)],
      ['schedule', nested(10_000)],
      ['retryPolicy', nested(10_000)],
    ] as const) {
      expect(job({ [field]: value })).toEqual({ ok: false, issues: [{ field, issue: 'nests deeper than 64 levels of objects and arrays' }] });
    }
  });
});
