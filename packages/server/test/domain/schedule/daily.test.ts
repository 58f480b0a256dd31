import { describe, expect, it } from 'vitest';
import { compileSchedule, cronPatternsOf, nextRunAfter } from '../../../src/domain/schedule.js';
import { t, iso, NOW, compiled, issues, fieldsOf, runs, runsBetween } from './helpers.js';

describe('daily', () => {
  it('stores the times sorted', () => {
    expect(compiled({ type: 'daily', times: ['18:30', '08:00', '12:00'] })).toEqual({
      type: 'daily',
      times: ['08:00', '12:00', '18:30'],
      timezone: 'UTC',
    });
  });

  it('groups times that share a minute into one cron pattern', () => {
    const s = compiled({ type: 'daily', times: ['18:30', '08:00', '12:00'] });
    expect(s.type === 'daily' && cronPatternsOf(s)).toEqual(['0 8,12 * * *', '30 18 * * *']);
  });

  it('runs at each time of day, in order', () => {
    const s = compiled({ type: 'daily', times: ['18:30', '08:00', '12:00'] });
    expect(runs(s, NOW, 5)).toEqual([
      '2025-01-15T18:30:00.000Z',
      '2025-01-16T08:00:00.000Z',
      '2025-01-16T12:00:00.000Z',
      '2025-01-16T18:30:00.000Z',
      '2025-01-17T08:00:00.000Z',
    ]);
  });

  it('a single time runs once a day', () => {
    const s = compiled({ type: 'daily', times: ['00:00'] });
    expect(runs(s, NOW, 2)).toEqual(['2025-01-16T00:00:00.000Z', '2025-01-17T00:00:00.000Z']);
  });

  it('accepts 48 times (every half hour) and runs 48 times a day', () => {
    const times = Array.from({ length: 48 }, (_, i) => `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`);
    const s = compiled({ type: 'daily', times });
    expect(runsBetween(s, t('2025-01-15T00:00:00Z') - 1, t('2025-01-16T00:00:00Z'))).toHaveLength(48);
  });

  it('runs in its time zone', () => {
    const s = compiled({ type: 'daily', times: ['09:00', '17:00'], timezone: 'Europe/Berlin' });
    expect(runs(s, NOW, 2)).toEqual(['2025-01-15T16:00:00.000Z', '2025-01-16T08:00:00.000Z']);
  });

  it('misfires collapse to the next time after now', () => {
    const s = compiled({ type: 'daily', times: ['08:00', '12:00', '18:30'] });
    expect(iso(nextRunAfter(s, t('2025-01-14T08:00:00Z'), t('2025-01-15T12:30:00Z')))).toBe('2025-01-15T18:30:00.000Z');
  });

  describe('422 cases', () => {
    it.each([
      ['missing', undefined, 'schedule.times'],
      ['a string', '08:00', 'schedule.times'],
      ['empty', [], 'schedule.times'],
      ['49 entries', Array.from({ length: 49 }, (_, i) => `${String(i % 24).padStart(2, '0')}:${String(i).padStart(2, '0')}`), 'schedule.times'],
    ])('refuses times that is %s', (_what, times, field) => {
      expect(fieldsOf({ type: 'daily', times })).toEqual([field]);
    });

    it.each([['8:00'], ['24:00'], ['24:30'], ['12:60'], ['12:5'], ['12.30'], ['1230'], ['12:30:00'], [' 12:30'], [''], [null], [1230]])(
      'refuses the time %j (schedule.times[1])',
      (bad) => {
        expect(fieldsOf({ type: 'daily', times: ['06:00', bad] })).toEqual(['schedule.times[1]']);
      },
    );

    it('reports every bad entry with its index', () => {
      expect(fieldsOf({ type: 'daily', times: ['x', '08:00', '25:00', '09:00'] })).toEqual(['schedule.times[0]', 'schedule.times[2]']);
    });

    it('refuses a repeated time, pointing at the repeat', () => {
      const result = issues(compileSchedule({ type: 'daily', times: ['08:00', '09:00', '08:00'] }, NOW));
      expect(result).toEqual([{ field: 'schedule.times[2]', issue: 'repeats schedule.times[0]' }]);
    });

    it('refuses an unknown time zone (schedule.timezone)', () => {
      expect(fieldsOf({ type: 'daily', times: ['08:00'], timezone: 'Europe/Nowhere' })).toEqual(['schedule.timezone']);
    });
  });
});
