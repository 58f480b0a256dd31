import { describe, expect, it } from 'vitest';
import { compileSchedule } from '../../src/domain/schedule.js';
import { describeInterval, describeSchedule } from '../../src/domain/scheduleDescription.js';

const now = Date.parse('2026-12-04T12:00:00Z');

/** The words for a schedule as a client would send it (normalised as job creation does). */
function words(input: unknown): string {
  const compiled = compileSchedule(input, now);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
  return describeSchedule(compiled.value);
}

describe('describeSchedule', () => {
  it('names weekdays, times and the time zone of a cron schedule', () => {
    expect(words({ type: 'cron', expression: '0 9 * * 1-5', timezone: 'Europe/Berlin' })).toBe('every weekday at 09:00 (Europe/Berlin)');
    expect(words({ type: 'cron', expression: '0 9 * * MON-FRI' })).toBe('every weekday at 09:00 (UTC)');
    expect(words({ type: 'cron', expression: '30 14 * * 1,5' })).toBe('every Monday and Friday at 14:30 (UTC)');
    expect(words({ type: 'cron', expression: '0 10 * * 6,0' })).toBe('every Saturday and Sunday at 10:00 (UTC)');
    expect(words({ type: 'cron', expression: '0 10 * * 5-7' })).toBe('every Sunday, Friday and Saturday at 10:00 (UTC)');
  });

  it('says every N minutes and hours for steps', () => {
    expect(words({ type: 'cron', expression: '*/5 * * * *' })).toBe('every 5 minutes (UTC)');
    expect(words({ type: 'cron', expression: '* * * * *' })).toBe('every minute (UTC)');
    expect(words({ type: 'cron', expression: '0 */2 * * *' })).toBe('every 2 hours (UTC)');
    expect(words({ type: 'cron', expression: '15 */6 * * *' })).toBe('every 6 hours at :15 (UTC)');
    expect(words({ type: 'cron', expression: '0,30 * * * *' })).toBe('every hour at :00 and :30 (UTC)');
  });

  it('lists several times of a day', () => {
    expect(words({ type: 'daily', times: ['14:30', '08:00'] })).toBe('at 08:00 and 14:30 every day (UTC)');
    expect(words({ type: 'daily', times: ['09:00'], timezone: 'America/New_York' })).toBe('every day at 09:00 (America/New_York)');
    expect(words({ type: 'cron', expression: '0 8,18 * * *' })).toBe('at 08:00 and 18:00 every day (UTC)');
  });

  it('names days of the month', () => {
    expect(words({ type: 'cron', expression: '0 6 1,15 * *' })).toBe('on the 1st and 15th of every month at 06:00 (UTC)');
    expect(words({ type: 'cron', expression: '0 6 L * *' })).toBe('on the last day of every month at 06:00 (UTC)');
    expect(words({ type: 'cron', expression: '0 0 22 * *' })).toBe('on the 22nd of every month at 00:00 (UTC)');
  });

  it('describes presets, weekly schedules and cron nicknames', () => {
    expect(words({ type: 'preset', preset: 'morning', timezone: 'Asia/Tokyo' })).toBe('every day at 08:00 (Asia/Tokyo)');
    expect(words({ type: 'preset', preset: 'endOfMonth' })).toBe('on the last day of every month at 23:59 (UTC)');
    expect(words({ type: 'preset', preset: 'startOfMonth' })).toBe('on the 1st of every month at 00:00 (UTC)');
    expect(words({ type: 'weekly', day: 'monday', hour: 7, minute: 5 })).toBe('every Monday at 07:05 (UTC)');
    expect(words({ type: 'cron', expression: '@hourly' })).toBe('every hour (UTC)');
    expect(words({ type: 'cron', expression: '@weekly' })).toBe('every Sunday at 00:00 (UTC)');
  });

  it('describes intervals in their largest whole unit, without a time zone', () => {
    expect(words({ type: 'interval', every: '5m' })).toBe('every 5 minutes');
    expect(words({ type: 'interval', every: 90_000 })).toBe('every 90 seconds');
    expect(words({ type: 'interval', every: '1h' })).toBe('every hour');
    expect(words({ type: 'interval', every: '2d' })).toBe('every 2 days');
    expect(describeInterval(1_500)).toBe('every 1500 ms');
  });

  it('gives a one-time schedule its instant in UTC', () => {
    expect(words({ type: 'once', at: '2026-12-07T08:00:00Z' })).toBe('once at 2026-12-07 08:00 UTC');
    expect(words({ type: 'once', at: '2026-12-07T08:00:30Z' })).toBe('once at 2026-12-07 08:00:30 UTC');
  });

  it('gives each schedule its own words, however the schedules before it were described', () => {
    // Instants within one second share their words (milliseconds are not shown); the next second does not.
    const once = (at: number) => describeSchedule({ type: 'once', at });
    const second = Date.parse('2026-12-07T08:00:30Z');
    expect([once(second + 999), once(second), once(second + 1_000), once(second + 1)]).toEqual([
      'once at 2026-12-07 08:00:30 UTC',
      'once at 2026-12-07 08:00:30 UTC',
      'once at 2026-12-07 08:00:31 UTC',
      'once at 2026-12-07 08:00:30 UTC',
    ]);
    // One expression in two zones, and two expressions in one zone, asked in turn.
    for (let i = 0; i < 2; i++) {
      expect(words({ type: 'cron', expression: '0 9 * * 1-5', timezone: 'Europe/Berlin' })).toBe('every weekday at 09:00 (Europe/Berlin)');
      expect(words({ type: 'cron', expression: '0 9 * * 1-5', timezone: 'Asia/Tokyo' })).toBe('every weekday at 09:00 (Asia/Tokyo)');
      expect(words({ type: 'cron', expression: '0 9-17 * * *', timezone: 'Asia/Tokyo' })).toBe('cron "0 9-17 * * *" (Asia/Tokyo)');
    }
    // More expressions than are remembered: each still gets its own words.
    for (let m = 0; m < 60; m++) for (let h = 0; h < 24; h++) expect(describeSchedule({ type: 'cron', expression: `${m} ${h} * * *`, timezone: 'UTC' })).toBe(`every day at ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')} (UTC)`);
  });

  it('falls back to the expression itself for shapes it does not put in words', () => {
    expect(words({ type: 'cron', expression: '0 9 * 1 *' })).toBe('cron "0 9 * 1 *" (UTC)');
    expect(words({ type: 'cron', expression: '0 9 1 * MON' })).toBe('cron "0 9 1 * MON" (UTC)');
    expect(words({ type: 'cron', expression: '0 9-17 * * *' })).toBe('cron "0 9-17 * * *" (UTC)');
  });
});
