import { describe, expect, it } from 'vitest';
import { firstIdAt, newId } from '../../src/domain/ids.js';

describe('newId', () => {
  it('has the prefix, 10 characters of time and 16 of randomness', () => {
    expect(newId('job', Date.now())).toMatch(/^job_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('sorts ids made one after another in the order they were made, within one millisecond too', () => {
    const now = Date.now();
    const ids = Array.from({ length: 1_000 }, () => newId('msg', now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('carries the time, so later ids sort after earlier ones', () => {
    const a = newId('run', Date.now());
    const b = newId('run', Date.now() + 5);
    expect(a < b).toBe(true);
    expect(b.slice(4, 14) > a.slice(4, 14)).toBe(true);
  });
});

describe('firstIdAt', () => {
  it('sorts before every id made at that instant or later, and after those made earlier', () => {
    const now = Date.now();
    const bound = firstIdAt('exe', now);
    expect(newId('exe', now) >= bound).toBe(true);
    expect(`exe_${'0'.repeat(26)}` < bound).toBe(true);
  });
});
