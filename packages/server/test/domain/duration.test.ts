import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, readDuration } from '../../src/domain/duration.js';

describe('parseDuration', () => {
  describe('numbers are milliseconds', () => {
    it.each([
      [0, 0],
      [1, 1],
      [1500, 1500],
      [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ])('accepts the whole number %s as %s ms', (input, expected) => {
      expect(parseDuration(input)).toBe(expected);
    });

    it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY], [2 ** 53]])(
      'refuses %s (negative, fractional, not finite or unsafe)',
      (input) => {
        expect(parseDuration(input)).toBeNull();
      },
    );
  });

  describe('strings', () => {
    it.each([
      ['0', 0],
      ['250', 250],
      ['  250  ', 250],
      ['500ms', 500],
      ['90s', 90_000],
      ['5m', 300_000],
      ['1h', 3_600_000],
      ['2d', 172_800_000],
      ['1w', 604_800_000],
      ['1h30m', 5_400_000],
      ['1h 30m', 5_400_000],
      ['1h  30m  15s', 5_415_000],
      ['1w2d3h4m5s6ms', 604_800_000 + 2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5_000 + 6],
      ['0s', 0],
      ['90m', 5_400_000],
      ['1m30s', 90_000],
      ['1s500ms', 1_500],
      [' 5m ', 300_000],
    ])('reads %j as %s ms', (input, expected) => {
      expect(parseDuration(input)).toBe(expected);
    });

    it.each([
      [''],
      ['   '],
      ['abc'],
      ['5'.repeat(20)],
      ['-5s'],
      ['1.5h'],
      ['5 m'],
      ['5M'],
      ['5H'],
      ['5y'],
      ['5mo'],
      ['h'],
      ['1h30'],
      ['30m1h'],
      ['1h1h'],
      ['5s5ms5s'],
      ['1e3'],
      ['0x10'],
      ['PT5M'],
      ['5m,'],
      ['+5m'],
      ['99999999999999999d'],
    ])('refuses %j', (input) => {
      expect(parseDuration(input)).toBeNull();
    });
  });

  it('refuses values that are neither numbers nor strings (from untyped JSON)', () => {
    expect(parseDuration(null as unknown as string)).toBeNull();
    expect(parseDuration({} as unknown as string)).toBeNull();
    expect(parseDuration(true as unknown as string)).toBeNull();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [500, '500ms'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [604_800_000 + 86_400_000, '1w1d'],
  ])('writes %s ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('is the inverse of parseDuration', () => {
    for (const ms of [0, 1, 999, 1000, 61_001, 3_600_000, 90_061_001, 1_209_600_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });

  it('refuses negative and fractional milliseconds', () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(1.5)).toThrow(RangeError);
  });

  it('tells a duration too long from text that is none (readDuration)', () => {
    expect(readDuration('99999999w')).toBe('range');
    expect(readDuration(2 ** 60)).toBe('range');
    expect(readDuration('99999999999999999999')).toBe('range');
    expect(readDuration('1h1h')).toBe('syntax');
    expect(readDuration(-1)).toBe('syntax');
    expect(readDuration(1.5)).toBe('syntax');
    expect(readDuration('1h30m')).toBe(5_400_000);
  });
});
