import { describe, expect, it } from 'vitest';
import { compileSchedule, firstRunAt, isRecurring, nextRunAfter } from '../../../src/domain/schedule.js';
import { t, iso, NOW, compiled, issues, fieldsOf, runs } from './helpers.js';

describe('cron', () => {
  it('defaults the time zone to UTC and stores the expression trimmed and single-spaced', () => {
    expect(compiled({ type: 'cron', expression: '  0   9 * *  1-5 ' })).toEqual({ type: 'cron', expression: '0 9 * * 1-5', timezone: 'UTC' });
  });

  it('corrects the letter case of a time zone name', () => {
    expect(compiled({ type: 'cron', expression: '0 9 * * *', timezone: 'europe/berlin' })).toMatchObject({ timezone: 'Europe/Berlin' });
  });

  it('keeps a time zone alias as the client wrote it', () => {
    expect(compiled({ type: 'cron', expression: '0 9 * * *', timezone: 'Asia/Kolkata' })).toMatchObject({ timezone: 'Asia/Kolkata' });
  });

  it('is recurring', () => {
    expect(isRecurring(compiled({ type: 'cron', expression: '* * * * *' }))).toBe(true);
  });

  it('firstRunAt is the first occurrence strictly after now', () => {
    const s = compiled({ type: 'cron', expression: '0 * * * *' });
    expect(iso(firstRunAt(s, t('2025-01-15T12:00:00Z')))).toBe('2025-01-15T13:00:00.000Z');
    expect(iso(firstRunAt(s, t('2025-01-15T11:59:59.999Z')))).toBe('2025-01-15T12:00:00.000Z');
    expect(iso(firstRunAt(s, t('2025-01-15T12:00:00.001Z')))).toBe('2025-01-15T13:00:00.000Z');
  });

  it('runs in its time zone', () => {
    const s = compiled({ type: 'cron', expression: '0 9 * * *', timezone: 'Europe/Berlin' });
    expect(iso(firstRunAt(s, t('2025-01-15T00:00:00Z')))).toBe('2025-01-15T08:00:00.000Z');
    expect(iso(firstRunAt(s, t('2025-07-15T00:00:00Z')))).toBe('2025-07-15T07:00:00.000Z');
  });

  it('weekdays only: 1-5 skips the weekend', () => {
    const s = compiled({ type: 'cron', expression: '0 9 * * 1-5' });
    // 2025-01-17 is a Friday.
    expect(runs(s, t('2025-01-17T10:00:00Z'), 2)).toEqual(['2025-01-20T09:00:00.000Z', '2025-01-21T09:00:00.000Z']);
  });

  it('day names work (MON-FRI, SAT)', () => {
    const s = compiled({ type: 'cron', expression: '0 9 * * SAT' });
    expect(runs(s, NOW, 2)).toEqual(['2025-01-18T09:00:00.000Z', '2025-01-25T09:00:00.000Z']);
  });

  it('day of month and day of week both restricted combine with OR, as in standard cron', () => {
    const s = compiled({ type: 'cron', expression: '0 9 13 * 5' }); // the 13th, and every Friday
    expect(runs(s, t('2025-06-01T00:00:00Z'), 8)).toEqual([
      '2025-06-06T09:00:00.000Z',
      '2025-06-13T09:00:00.000Z', // Friday the 13th, once
      '2025-06-20T09:00:00.000Z',
      '2025-06-27T09:00:00.000Z',
      '2025-07-04T09:00:00.000Z',
      '2025-07-11T09:00:00.000Z',
      '2025-07-13T09:00:00.000Z', // Sunday the 13th
      '2025-07-18T09:00:00.000Z',
    ]);
  });

  it('6 fields: seconds come first', () => {
    const s = compiled({ type: 'cron', expression: '30 0 12 * * *' });
    expect(runs(s, NOW, 2)).toEqual(['2025-01-15T12:00:30.000Z', '2025-01-16T12:00:30.000Z']);
  });

  it('6 fields: every 10 seconds', () => {
    const s = compiled({ type: 'cron', expression: '*/10 * * * * *' });
    expect(runs(s, t('2025-01-15T12:00:05Z'), 3)).toEqual([
      '2025-01-15T12:00:10.000Z',
      '2025-01-15T12:00:20.000Z',
      '2025-01-15T12:00:30.000Z',
    ]);
  });

  it('5 fields: the seconds are 0', () => {
    const s = compiled({ type: 'cron', expression: '*/5 * * * *' });
    expect(runs(s, t('2025-01-15T12:01:30Z'), 2)).toEqual(['2025-01-15T12:05:00.000Z', '2025-01-15T12:10:00.000Z']);
  });

  describe('nicknames', () => {
    it.each([
      ['@hourly', ['2025-01-15T13:00:00.000Z', '2025-01-15T14:00:00.000Z']],
      ['@daily', ['2025-01-16T00:00:00.000Z', '2025-01-17T00:00:00.000Z']],
      ['@midnight', ['2025-01-16T00:00:00.000Z', '2025-01-17T00:00:00.000Z']],
      ['@weekly', ['2025-01-19T00:00:00.000Z', '2025-01-26T00:00:00.000Z']], // Sundays
      ['@monthly', ['2025-02-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z']],
      ['@yearly', ['2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']],
      ['@annually', ['2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']],
    ])('%s', (expression, expected) => {
      expect(runs(compiled({ type: 'cron', expression }), NOW, 2)).toEqual(expected);
    });

    it('are case-insensitive and stored in lower case', () => {
      expect(compiled({ type: 'cron', expression: ' @Daily ' })).toMatchObject({ expression: '@daily' });
    });

    it('follow the time zone', () => {
      const s = compiled({ type: 'cron', expression: '@daily', timezone: 'America/New_York' });
      expect(runs(s, NOW, 1)).toEqual(['2025-01-16T05:00:00.000Z']);
    });
  });

  describe('end of month', () => {
    it('L is the last day of every month, Feb 29 in a leap year', () => {
      const s = compiled({ type: 'cron', expression: '0 12 L * *' });
      expect(runs(s, t('2024-01-01T00:00:00Z'), 4)).toEqual([
        '2024-01-31T12:00:00.000Z',
        '2024-02-29T12:00:00.000Z',
        '2024-03-31T12:00:00.000Z',
        '2024-04-30T12:00:00.000Z',
      ]);
    });

    it('L in February of a common year is the 28th', () => {
      const s = compiled({ type: 'cron', expression: '0 12 L 2 *' });
      expect(runs(s, t('2025-01-01T00:00:00Z'), 2)).toEqual(['2025-02-28T12:00:00.000Z', '2026-02-28T12:00:00.000Z']);
    });

    it('a 31st-of-month cron skips months without a 31st', () => {
      const s = compiled({ type: 'cron', expression: '0 0 31 * *' });
      expect(runs(s, t('2025-01-01T00:00:00Z'), 7)).toEqual([
        '2025-01-31T00:00:00.000Z',
        '2025-03-31T00:00:00.000Z',
        '2025-05-31T00:00:00.000Z',
        '2025-07-31T00:00:00.000Z',
        '2025-08-31T00:00:00.000Z',
        '2025-10-31T00:00:00.000Z',
        '2025-12-31T00:00:00.000Z',
      ]);
    });
  });

  describe('leap day', () => {
    it('a Feb 29 cron runs only in leap years', () => {
      const s = compiled({ type: 'cron', expression: '0 0 29 2 *' });
      expect(runs(s, NOW, 3)).toEqual(['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z', '2036-02-29T00:00:00.000Z']);
    });

    it('after running on Feb 29 it jumps to the next leap year', () => {
      const s = compiled({ type: 'cron', expression: '0 0 29 2 *' });
      expect(iso(nextRunAfter(s, t('2028-02-29T00:00:00Z'), t('2028-02-29T00:00:01Z')))).toBe('2032-02-29T00:00:00.000Z');
    });

    it('skips 2100, which is not a leap year', () => {
      const s = compiled({ type: 'cron', expression: '0 0 29 2 *' }, t('2097-01-01T00:00:00Z'));
      expect(runs(s, t('2097-01-01T00:00:00Z'), 2)).toEqual(['2104-02-29T00:00:00.000Z', '2108-02-29T00:00:00.000Z']);
    });
  });

  describe('misfires collapse', () => {
    it('missed occurrences become one run: the first occurrence after now', () => {
      const s = compiled({ type: 'cron', expression: '0 * * * *' });
      expect(iso(nextRunAfter(s, t('2025-01-15T10:00:00Z'), t('2025-01-15T15:20:00Z')))).toBe('2025-01-15T16:00:00.000Z');
    });

    it('a delivery that finished late does not shift the schedule', () => {
      const s = compiled({ type: 'cron', expression: '*/15 * * * *' });
      expect(iso(nextRunAfter(s, t('2025-01-15T10:00:00Z'), t('2025-01-15T10:07:42Z')))).toBe('2025-01-15T10:15:00.000Z');
    });

    it('now exactly on an occurrence: that occurrence is not repeated', () => {
      const s = compiled({ type: 'cron', expression: '*/15 * * * *' });
      expect(iso(nextRunAfter(s, t('2025-01-15T10:00:00Z'), t('2025-01-15T10:15:00Z')))).toBe('2025-01-15T10:30:00.000Z');
    });

    it('now before previousDue (clock skew): advances from previousDue', () => {
      const s = compiled({ type: 'cron', expression: '*/15 * * * *' });
      expect(iso(nextRunAfter(s, t('2025-01-15T10:00:00Z'), t('2025-01-15T09:59:58Z')))).toBe('2025-01-15T10:15:00.000Z');
    });
  });

  describe('422 cases', () => {
    it.each([
      ['missing', undefined],
      ['null', null],
      ['a number', 5],
      ['an array', ['*', '*', '*', '*', '*']],
      ['empty', ''],
      ['blank', '   '],
      ['garbage', 'every monday'],
      ['4 fields', '* * * *'],
      ['7 fields (years are not supported)', '0 0 0 1 1 * 2030'],
      ['minute 60', '60 * * * *'],
      ['hour 24', '0 24 * * *'],
      ['day of month 0', '0 0 0 * *'],
      ['day of month 32', '0 0 32 * *'],
      ['month 13', '0 0 1 13 *'],
      ['day of week 8', '0 0 * * 8'],
      ['second 60', '60 * * * * *'],
      ['a zero step', '*/0 * * * *'],
      ['a reversed range', '30-10 * * * *'],
      ['an unknown day name', '0 0 * * FUN'],
      ['letters in the minute', '0a * * * *'],
      ['an unknown nickname', '@fortnightly'],
      ['@reboot', '@reboot'],
      ['a date that never occurs (Feb 30)', '0 0 30 2 *'],
      ['a date that never occurs (Apr 31)', '0 0 31 4 *'],
      ['too long', `0 0 ${'1,'.repeat(200)}1 * *`],
    ])('refuses an expression that is %s (schedule.expression)', (_what, expression) => {
      expect(fieldsOf({ type: 'cron', expression })).toEqual(['schedule.expression']);
    });

    it('names the bad value in range errors', () => {
      const [issue] = issues(compileSchedule({ type: 'cron', expression: '0 0 32 * *' }, NOW));
      expect(issue!.issue).toContain('day of month value 32 is out of range 1-31');
    });

    it('names the field count', () => {
      const [issue] = issues(compileSchedule({ type: 'cron', expression: '* * * *' }, NOW));
      expect(issue!.issue).toContain('not 4');
    });

    it.each([['Mars/Olympus_Mons'], ['+02:00'], ['-05:00'], [''], ['CET/Nowhere'], ['x'.repeat(100)]])(
      'refuses the time zone %j (schedule.timezone)',
      (timezone) => {
        expect(fieldsOf({ type: 'cron', expression: '0 9 * * *', timezone })).toEqual(['schedule.timezone']);
      },
    );

    it('refuses a time zone that is not a string', () => {
      expect(fieldsOf({ type: 'cron', expression: '0 9 * * *', timezone: 1 })).toEqual(['schedule.timezone']);
    });

    it('reports a bad expression and a bad time zone together', () => {
      expect(fieldsOf({ type: 'cron', expression: '61 * * * *', timezone: 'Nowhere' })).toEqual(['schedule.timezone', 'schedule.expression']);
    });
  });
});
