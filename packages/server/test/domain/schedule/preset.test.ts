import { describe, expect, it } from 'vitest';
import { firstRunAt } from '../../../src/domain/schedule.js';
import { t, iso, NOW, compiled, fieldsOf, runs, runsBetween, local } from './helpers.js';

describe('preset', () => {
  it.each([
    ['midnight', '2025-01-16T00:00:00.000Z'],
    ['morning', '2025-01-16T08:00:00.000Z'],
    ['evening', '2025-01-15T18:00:00.000Z'],
    ['startOfMonth', '2025-02-01T00:00:00.000Z'],
    ['endOfMonth', '2025-01-31T23:59:00.000Z'],
  ])('%s first runs at %s (from 2025-01-15 12:00 UTC)', (preset, expected) => {
    const s = compiled({ type: 'preset', preset });
    expect(s).toEqual({ type: 'preset', preset, timezone: 'UTC' });
    expect(iso(firstRunAt(s, NOW))).toBe(expected);
  });

  it('morning runs at 08:00 in its time zone', () => {
    const s = compiled({ type: 'preset', preset: 'morning', timezone: 'Asia/Tokyo' });
    expect(runs(s, NOW, 2)).toEqual(['2025-01-15T23:00:00.000Z', '2025-01-16T23:00:00.000Z']);
  });

  it('endOfMonth runs at 23:59 on Feb 29 in a leap year', () => {
    const s = compiled({ type: 'preset', preset: 'endOfMonth' });
    expect(runs(s, t('2024-02-01T00:00:00Z'), 2)).toEqual(['2024-02-29T23:59:00.000Z', '2024-03-31T23:59:00.000Z']);
  });

  it('endOfMonth runs at 23:59 on Feb 28 in a common year', () => {
    const s = compiled({ type: 'preset', preset: 'endOfMonth' });
    expect(runs(s, t('2025-02-01T00:00:00Z'), 2)).toEqual(['2025-02-28T23:59:00.000Z', '2025-03-31T23:59:00.000Z']);
  });

  it('endOfMonth in New York is 23:59 local on the last day', () => {
    const s = compiled({ type: 'preset', preset: 'endOfMonth', timezone: 'America/New_York' });
    const [first, second] = runsBetween(s, t('2025-02-01T12:00:00Z'), t('2025-05-01T00:00:00Z'));
    expect(local(first!, 'America/New_York')).toBe('2025-02-28 23:59');
    expect(iso(first!)).toBe('2025-03-01T04:59:00.000Z');
    expect(local(second!, 'America/New_York')).toBe('2025-03-31 23:59');
  });

  it('startOfMonth is the 1st at 00:00 every month', () => {
    const s = compiled({ type: 'preset', preset: 'startOfMonth' });
    expect(runs(s, t('2024-12-31T23:59:59Z'), 3)).toEqual([
      '2025-01-01T00:00:00.000Z',
      '2025-02-01T00:00:00.000Z',
      '2025-03-01T00:00:00.000Z',
    ]);
  });

  describe('422 cases', () => {
    it.each([['noon'], ['Midnight'], ['end_of_month'], [3], [null]])('refuses the preset %j (schedule.preset)', (preset) => {
      expect(fieldsOf({ type: 'preset', preset })).toEqual(['schedule.preset']);
    });

    it('refuses an unknown time zone (schedule.timezone)', () => {
      expect(fieldsOf({ type: 'preset', preset: 'morning', timezone: 'Europe/Atlantis' })).toEqual(['schedule.timezone']);
    });
  });
});
