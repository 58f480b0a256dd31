import { describe, expect, it } from 'vitest';
import { firstRunAt, nextRunAfter } from '../../../src/domain/schedule.js';
import { t, iso, NOW, HOUR, compiled, fieldsOf, runs } from './helpers.js';

describe('weekly', () => {
  it('fills in hour 0, minute 0 and UTC, and lower-cases the day', () => {
    expect(compiled({ type: 'weekly', day: 'MONDAY' })).toEqual({ type: 'weekly', day: 'monday', hour: 0, minute: 0, timezone: 'UTC' });
  });

  it.each([
    ['monday', '2025-01-20T09:30:00.000Z'],
    ['Tuesday', '2025-01-21T09:30:00.000Z'],
    ['wednesday', '2025-01-22T09:30:00.000Z'],
    ['THURSDAY', '2025-01-16T09:30:00.000Z'],
    ['friday', '2025-01-17T09:30:00.000Z'],
    ['saturday', '2025-01-18T09:30:00.000Z'],
    ['sunday', '2025-01-19T09:30:00.000Z'],
  ])('%s 09:30 first runs at %s (from Wednesday 2025-01-15 12:00)', (day, expected) => {
    const s = compiled({ type: 'weekly', day, hour: 9, minute: 30 });
    expect(iso(firstRunAt(s, NOW))).toBe(expected);
    expect(iso(nextRunAfter(s, firstRunAt(s, NOW)!, firstRunAt(s, NOW)!))).toBe(iso(t(expected) + 7 * 24 * HOUR));
  });

  it('the same day, later: runs today', () => {
    const s = compiled({ type: 'weekly', day: 'wednesday', hour: 23, minute: 59 });
    expect(iso(firstRunAt(s, NOW))).toBe('2025-01-15T23:59:00.000Z');
  });

  it('the same day, earlier: runs next week', () => {
    const s = compiled({ type: 'weekly', day: 'wednesday', hour: 12, minute: 0 });
    expect(iso(firstRunAt(s, NOW))).toBe('2025-01-22T12:00:00.000Z');
  });

  it('follows its time zone across the date line', () => {
    const s = compiled({ type: 'weekly', day: 'monday', hour: 8, timezone: 'Pacific/Auckland' });
    // Monday 08:00 in Auckland (UTC+13 in January) is Sunday 19:00 UTC.
    expect(iso(firstRunAt(s, NOW))).toBe('2025-01-19T19:00:00.000Z');
  });

  describe('422 cases', () => {
    it.each([
      [{}, 'schedule.day'],
      [{ day: 'mon' }, 'schedule.day'],
      [{ day: 'funday' }, 'schedule.day'],
      [{ day: 1 }, 'schedule.day'],
      [{ day: 'monday', hour: 24 }, 'schedule.hour'],
      [{ day: 'monday', hour: -1 }, 'schedule.hour'],
      [{ day: 'monday', hour: 8.5 }, 'schedule.hour'],
      [{ day: 'monday', hour: '8' }, 'schedule.hour'],
      [{ day: 'monday', minute: 60 }, 'schedule.minute'],
      [{ day: 'monday', minute: -1 }, 'schedule.minute'],
      [{ day: 'monday', minute: '30' }, 'schedule.minute'],
      [{ day: 'monday', timezone: 'Nowhere/Town' }, 'schedule.timezone'],
    ])('refuses %j on %s', (fields, field) => {
      expect(fieldsOf({ type: 'weekly', ...fields })).toEqual([field]);
    });
  });
});
