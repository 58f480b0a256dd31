import { describe, expect, it } from 'vitest';
import { compileSchedule, firstRunAt, isRecurring, nextRunAfter } from '../../../src/domain/schedule.js';
import { t, NOW, HOUR, compiled, issues, fieldsOf, local } from './helpers.js';

describe('once', () => {
  it('accepts an ISO-8601 instant with Z', () => {
    expect(compiled({ type: 'once', at: '2025-02-01T09:30:00Z' })).toEqual({ type: 'once', at: t('2025-02-01T09:30:00Z') });
  });

  it('accepts an ISO-8601 instant with an offset', () => {
    expect(compiled({ type: 'once', at: '2025-02-01T09:30:00+01:00' })).toEqual({ type: 'once', at: t('2025-02-01T08:30:00Z') });
    expect(compiled({ type: 'once', at: '2025-02-01T09:30-0500' })).toEqual({ type: 'once', at: t('2025-02-01T14:30:00Z') });
  });

  it('accepts epoch milliseconds', () => {
    expect(compiled({ type: 'once', at: NOW + 1_234 })).toEqual({ type: 'once', at: NOW + 1_234 });
  });

  it('accepts exactly now', () => {
    expect(compiled({ type: 'once', at: NOW })).toEqual({ type: 'once', at: NOW });
  });

  it('turns a delay in ms into an instant', () => {
    expect(compiled({ type: 'once', delay: 60_000 })).toEqual({ type: 'once', at: NOW + 60_000 });
  });

  it('turns a duration string into an instant', () => {
    expect(compiled({ type: 'once', delay: '1h30m' })).toEqual({ type: 'once', at: NOW + 5_400_000 });
  });

  it('accepts a zero delay (run now)', () => {
    expect(compiled({ type: 'once', delay: 0 })).toEqual({ type: 'once', at: NOW });
  });

  it('is not recurring; firstRunAt is at and there is no next run', () => {
    const s = compiled({ type: 'once', delay: '5m' });
    expect(isRecurring(s)).toBe(false);
    expect(firstRunAt(s, NOW)).toBe(NOW + 300_000);
    expect(firstRunAt(s, NOW + 10 * HOUR)).toBe(NOW + 300_000);
    expect(nextRunAfter(s, NOW + 300_000, NOW + 300_000)).toBeNull();
  });

  describe('422 cases', () => {
    it.each([
      ['a past ISO instant', { at: '2025-01-15T11:59:59.999Z' }, 'schedule.at'],
      ['past epoch ms', { at: NOW - 1 }, 'schedule.at'],
      ['a local time without offset', { at: '2025-02-01T09:30:00' }, 'schedule.at'],
      ['a date without time', { at: '2025-02-01' }, 'schedule.at'],
      ['February 30th', { at: '2025-02-30T00:00:00Z' }, 'schedule.at'],
      ['February 29th in a common year', { at: '2025-02-29T00:00:00Z' }, 'schedule.at'],
      ['hour 24', { at: '2025-02-01T24:00:00Z' }, 'schedule.at'],
      ['a non-ISO date string', { at: 'February 1, 2025 09:30 UTC' }, 'schedule.at'],
      ['an empty string', { at: '' }, 'schedule.at'],
      ['fractional epoch ms', { at: NOW + 0.5 }, 'schedule.at'],
      ['epoch ms beyond the Date range', { at: 9e15 }, 'schedule.at'],
      ['a boolean at', { at: true }, 'schedule.at'],
      ['an object at', { at: { seconds: 5 } }, 'schedule.at'],
      ['neither at nor delay', {}, 'schedule.at'],
      ['both at and delay', { at: NOW + 1, delay: 5 }, 'schedule.delay'],
      ['a negative delay', { delay: -1 }, 'schedule.delay'],
      ['a fractional delay', { delay: 1.5 }, 'schedule.delay'],
      ['a bad duration string', { delay: 'soon' }, 'schedule.delay'],
      ['a delay past the Date range', { delay: 8.64e15 }, 'schedule.delay'],
      ['a boolean delay', { delay: false }, 'schedule.delay'],
    ])('refuses %s', (_what, fields, field) => {
      expect(fieldsOf({ type: 'once', ...fields })).toEqual([field]);
    });

    // Issue 14: they are well-formed, only too large; the answer says so, and what the range is.
    it.each([
      [{ at: 1e20 }, 'schedule.at', 'is out of range: epoch milliseconds go from 0 to 8640000000000000 (+275760-09-13T00:00:00.000Z)'],
      [{ at: -5 }, 'schedule.at', 'is out of range: epoch milliseconds go from 0 to 8640000000000000 (+275760-09-13T00:00:00.000Z)'],
      [{ delay: '99999999w' }, 'schedule.delay', `is out of range: a delay goes from 0 to ${8.64e15 - NOW} milliseconds (it must end by +275760-09-13T00:00:00.000Z)`],
      [{ delay: 1e20 }, 'schedule.delay', `is out of range: a delay goes from 0 to ${8.64e15 - NOW} milliseconds (it must end by +275760-09-13T00:00:00.000Z)`],
      [{ delay: '99999999999999999999' }, 'schedule.delay', `is out of range: a delay goes from 0 to ${8.64e15 - NOW} milliseconds (it must end by +275760-09-13T00:00:00.000Z)`],
    ])('says %j is out of range', (fields, field, issue) => {
      expect(compileSchedule({ type: 'once', ...fields }, NOW)).toEqual({ ok: false, issues: [{ field, issue }] });
    });
  });
});
