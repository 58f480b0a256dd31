import { describe, expect, it } from 'vitest';
import { firstRunAt, isRecurring, nextRunAfter, type Schedule } from '../../../src/domain/schedule.js';
import { t, NOW, HOUR, compiled, fieldsOf, runs, runsBetween } from './helpers.js';

describe('interval', () => {
  it('accepts milliseconds and stores ms with the default time zone', () => {
    expect(compiled({ type: 'interval', every: 60_000 })).toEqual({ type: 'interval', every: 60_000, timezone: 'UTC' });
  });

  it('accepts a duration string and stores ms', () => {
    expect(compiled({ type: 'interval', every: '1h30m', timezone: 'Europe/Berlin' })).toEqual({
      type: 'interval',
      every: 5_400_000,
      timezone: 'Europe/Berlin',
    });
  });

  it('accepts the minimum of 1 s', () => {
    expect(compiled({ type: 'interval', every: '1s' })).toMatchObject({ every: 1_000 });
    expect(compiled({ type: 'interval', every: 1_000 })).toMatchObject({ every: 1_000 });
  });

  it('is recurring', () => {
    expect(isRecurring(compiled({ type: 'interval', every: '5m' }))).toBe(true);
  });

  it('firstRunAt is now + every', () => {
    const s = compiled({ type: 'interval', every: '5m' });
    expect(firstRunAt(s, NOW)).toBe(NOW + 300_000);
  });

  describe('the grid is anchored at previousDue', () => {
    const s: Schedule = { type: 'interval', every: 60_000, timezone: 'UTC' };
    const due = t('2025-01-15T12:00:00Z');

    it('on-time delivery: previousDue + every', () => {
      expect(nextRunAfter(s, due, due)).toBe(due + 60_000);
    });

    it('a slow delivery does not make the schedule drift', () => {
      expect(nextRunAfter(s, due, due + 42_123)).toBe(due + 60_000);
    });

    it('missed runs collapse into one, still on the grid', () => {
      expect(nextRunAfter(s, due, due + 5 * 60_000 + 1)).toBe(due + 6 * 60_000);
    });

    it('now exactly on a grid point: the next grid point', () => {
      expect(nextRunAfter(s, due, due + 3 * 60_000)).toBe(due + 4 * 60_000);
    });

    it('now before previousDue: previousDue + every', () => {
      expect(nextRunAfter(s, due, due - 10_000)).toBe(due + 60_000);
    });

    it('is blind to DST: always `every` real milliseconds apart', () => {
      const hourly: Schedule = { type: 'interval', every: HOUR, timezone: 'America/New_York' };
      const from = t('2025-11-02T03:30:00Z');
      const all = runsBetween(hourly, from, from + 6 * HOUR + 1);
      expect(all).toHaveLength(6);
      expect(all.map((x, i) => x - from - (i + 1) * HOUR)).toEqual([0, 0, 0, 0, 0, 0]);
    });
  });

  describe('422 cases', () => {
    it.each([
      ['missing', {}],
      ['null', { every: null }],
      ['999 ms (below 1 s)', { every: 999 }],
      ['0', { every: 0 }],
      ['500ms as a string', { every: '500ms' }],
      ['negative', { every: -60_000 }],
      ['fractional ms', { every: 1000.5 }],
      ['an unreadable string', { every: 'hourly' }],
      ['a boolean', { every: true }],
      ['an object', { every: { minutes: 5 } }],
      ['longer than 366 days', { every: '367d' }],
    ])('refuses every that is %s (schedule.every)', (_what, fields) => {
      expect(fieldsOf({ type: 'interval', ...fields })).toEqual(['schedule.every']);
    });

    it('refuses an unknown time zone (schedule.timezone)', () => {
      expect(fieldsOf({ type: 'interval', every: '5m', timezone: 'Moon/Base' })).toEqual(['schedule.timezone']);
    });
  });
});
