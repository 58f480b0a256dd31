import { describe, expect, it } from 'vitest';
import { firstRunAt, nextRunAfter } from '../../../src/domain/schedule.js';
import { t, iso, HOUR, compiled, runs, runsBetween, local, expectStrictlyIncreasing } from './helpers.js';

describe('daylight saving time', () => {
  const NY = 'America/New_York';
  const BERLIN = 'Europe/Berlin';

  describe('America/New_York, spring forward (2025-03-09 02:00 EST → 03:00 EDT)', () => {
    it('a daily 02:30 job runs exactly once that day, at 03:00 EDT (the first valid time after the gap)', () => {
      const s = compiled({ type: 'daily', times: ['02:30'], timezone: NY });
      const all = runsBetween(s, t('2025-03-08T00:00:00Z'), t('2025-03-11T00:00:00Z'));
      expect(all.map(iso)).toEqual(['2025-03-08T07:30:00.000Z', '2025-03-09T07:00:00.000Z', '2025-03-10T06:30:00.000Z']);
      expect(all.map((x) => local(x, NY))).toEqual(['2025-03-08 02:30', '2025-03-09 03:00', '2025-03-10 02:30']);
    });

    it('a cron 30 2 * * * job does the same', () => {
      const s = compiled({ type: 'cron', expression: '30 2 * * *', timezone: NY });
      expect(runs(s, t('2025-03-08T12:00:00Z'), 2)).toEqual(['2025-03-09T07:00:00.000Z', '2025-03-10T06:30:00.000Z']);
    });

    it('a weekly Sunday 02:30 job runs once on the spring-forward Sunday', () => {
      const s = compiled({ type: 'weekly', day: 'sunday', hour: 2, minute: 30, timezone: NY });
      expect(runs(s, t('2025-03-01T12:00:00Z'), 3)).toEqual([
        '2025-03-02T07:30:00.000Z',
        '2025-03-09T07:00:00.000Z',
        '2025-03-16T06:30:00.000Z',
      ]);
    });

    it('daily times in the gap and at its end (02:30 and 03:00) meet in a single run', () => {
      const s = compiled({ type: 'daily', times: ['02:30', '03:00', '12:00'], timezone: NY });
      const all = runsBetween(s, t('2025-03-09T05:00:00Z'), t('2025-03-10T05:00:00Z'));
      expect(all.map((x) => local(x, NY))).toEqual(['2025-03-09 03:00', '2025-03-09 12:00']);
    });

    it('an hourly job skips the hour that does not exist: one run per real hour', () => {
      const s = compiled({ type: 'cron', expression: '0 * * * *', timezone: NY });
      const from = t('2025-03-09T04:30:00Z'); // 23:30 EST on March 8
      const all = runsBetween(s, from, from + 6 * HOUR);
      expect(all.map((x) => local(x, NY))).toEqual([
        '2025-03-09 00:00',
        '2025-03-09 01:00',
        '2025-03-09 03:00',
        '2025-03-09 04:00',
        '2025-03-09 05:00',
        '2025-03-09 06:00',
      ]);
      expect(all.map((x, i) => x - from - 30 * 60_000 - i * HOUR)).toEqual([0, 0, 0, 0, 0, 0]);
    });

    it('a job delivered just before the gap is not repeated after it', () => {
      const s = compiled({ type: 'daily', times: ['02:30'], timezone: NY });
      const due = t('2025-03-09T07:00:00Z');
      expect(iso(nextRunAfter(s, due, due + 5_000))).toBe('2025-03-10T06:30:00.000Z');
    });
  });

  describe('America/New_York, fall back (2025-11-02 02:00 EDT → 01:00 EST)', () => {
    it('a daily 01:30 job runs once, at the first 01:30 (EDT)', () => {
      const s = compiled({ type: 'daily', times: ['01:30'], timezone: NY });
      const all = runsBetween(s, t('2025-11-01T00:00:00Z'), t('2025-11-04T00:00:00Z'));
      expect(all.map(iso)).toEqual(['2025-11-01T05:30:00.000Z', '2025-11-02T05:30:00.000Z', '2025-11-03T06:30:00.000Z']);
    });

    it('a cron 30 1 * * * job runs once', () => {
      const s = compiled({ type: 'cron', expression: '30 1 * * *', timezone: NY });
      expect(runs(s, t('2025-11-01T12:00:00Z'), 2)).toEqual(['2025-11-02T05:30:00.000Z', '2025-11-03T06:30:00.000Z']);
    });

    it('a cron with a list of hours (30 1,13 * * *) also runs 01:30 once', () => {
      const s = compiled({ type: 'cron', expression: '30 1,13 * * *', timezone: NY });
      expect(runs(s, t('2025-11-01T20:00:00Z'), 3)).toEqual([
        '2025-11-02T05:30:00.000Z',
        '2025-11-02T18:30:00.000Z',
        '2025-11-03T06:30:00.000Z',
      ]);
    });

    it('a daily list with 01:30 runs it once', () => {
      const s = compiled({ type: 'daily', times: ['01:30', '13:30'], timezone: NY });
      const all = runsBetween(s, t('2025-11-02T04:00:00Z'), t('2025-11-03T04:00:00Z'));
      expect(all.map(iso)).toEqual(['2025-11-02T05:30:00.000Z', '2025-11-02T18:30:00.000Z']);
    });

    it('the second 01:30 does not count as a new occurrence, even when the job is late or created in between', () => {
      const s = compiled({ type: 'daily', times: ['01:30'], timezone: NY });
      const firstPass = t('2025-11-02T05:30:00Z');
      expect(iso(nextRunAfter(s, firstPass, t('2025-11-02T06:10:00Z')))).toBe('2025-11-03T06:30:00.000Z');
      expect(iso(firstRunAt(s, t('2025-11-02T06:10:00Z')))).toBe('2025-11-03T06:30:00.000Z');
    });

    it('an hourly job runs in both passes of the repeated hour: one run per real hour, no duplicates', () => {
      const s = compiled({ type: 'cron', expression: '0 * * * *', timezone: NY });
      const from = t('2025-11-02T03:30:00Z'); // 23:30 EDT on November 1
      const all = runsBetween(s, from, from + 6 * HOUR);
      expect(all.map(iso)).toEqual([
        '2025-11-02T04:00:00.000Z', // 00:00 EDT
        '2025-11-02T05:00:00.000Z', // 01:00 EDT
        '2025-11-02T06:00:00.000Z', // 01:00 EST
        '2025-11-02T07:00:00.000Z', // 02:00 EST
        '2025-11-02T08:00:00.000Z',
        '2025-11-02T09:00:00.000Z',
      ]);
    });

    it('a 15-minute job across the change: one run per real quarter hour', () => {
      const s = compiled({ type: 'cron', expression: '*/15 * * * *', timezone: NY });
      const from = t('2025-11-02T04:00:00Z');
      const all = runsBetween(s, from - 1, from + 4 * HOUR);
      expect(all).toHaveLength(16);
      expectStrictlyIncreasing(all);
      expect(all.every((x, i) => x === from + i * 15 * 60_000)).toBe(true);
    });
  });

  describe('Europe/Berlin, spring forward (2025-03-30 02:00 CET → 03:00 CEST)', () => {
    it('a daily 02:30 job runs exactly once that day, at 03:00 CEST', () => {
      const s = compiled({ type: 'daily', times: ['02:30'], timezone: BERLIN });
      const all = runsBetween(s, t('2025-03-29T00:00:00Z'), t('2025-04-01T00:00:00Z'));
      expect(all.map(iso)).toEqual(['2025-03-29T01:30:00.000Z', '2025-03-30T01:00:00.000Z', '2025-03-31T00:30:00.000Z']);
      expect(all.map((x) => local(x, BERLIN))).toEqual(['2025-03-29 02:30', '2025-03-30 03:00', '2025-03-31 02:30']);
    });

    it('an hourly job: one run per real hour, 02:00 does not exist', () => {
      const s = compiled({ type: 'preset', preset: 'midnight', timezone: BERLIN });
      expect(runs(s, t('2025-03-29T12:00:00Z'), 2)).toEqual(['2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z']);
      const hourly = compiled({ type: 'cron', expression: '@hourly', timezone: BERLIN });
      const from = t('2025-03-29T22:30:00Z');
      const all = runsBetween(hourly, from, from + 5 * HOUR);
      expect(all.map((x) => local(x, BERLIN))).toEqual([
        '2025-03-30 00:00',
        '2025-03-30 01:00',
        '2025-03-30 03:00',
        '2025-03-30 04:00',
        '2025-03-30 05:00',
      ]);
      expect(all.map((x, i) => x - from - 30 * 60_000 - i * HOUR)).toEqual([0, 0, 0, 0, 0]);
    });
  });

  describe('Europe/Berlin, fall back (2025-10-26 03:00 CEST → 02:00 CET)', () => {
    it('a daily 02:30 job runs once, at the first 02:30 (CEST)', () => {
      const s = compiled({ type: 'daily', times: ['02:30'], timezone: BERLIN });
      const all = runsBetween(s, t('2025-10-25T00:00:00Z'), t('2025-10-28T00:00:00Z'));
      expect(all.map(iso)).toEqual(['2025-10-25T00:30:00.000Z', '2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z']);
    });

    it('an hourly job runs 02:00 twice (CEST and CET): one run per real hour', () => {
      const s = compiled({ type: 'cron', expression: '0 * * * *', timezone: BERLIN });
      const from = t('2025-10-25T22:30:00Z'); // 00:30 CEST
      const all = runsBetween(s, from, from + 5 * HOUR);
      expect(all.map(iso)).toEqual([
        '2025-10-25T23:00:00.000Z', // 01:00 CEST
        '2025-10-26T00:00:00.000Z', // 02:00 CEST
        '2025-10-26T01:00:00.000Z', // 02:00 CET
        '2025-10-26T02:00:00.000Z', // 03:00 CET
        '2025-10-26T03:00:00.000Z', // 04:00 CET
      ]);
    });
  });

  it.each([
    [NY, '2025-03-01T00:00:00Z', '2025-03-20T00:00:00Z'],
    [NY, '2025-10-25T00:00:00Z', '2025-11-10T00:00:00Z'],
    [BERLIN, '2025-03-20T00:00:00Z', '2025-04-05T00:00:00Z'],
    [BERLIN, '2025-10-20T00:00:00Z', '2025-11-01T00:00:00Z'],
  ])('hourly in %s from %s to %s: runs = real hours elapsed, no duplicates', (timezone, fromIso, toIso) => {
    const s = compiled({ type: 'cron', expression: '0 * * * *', timezone });
    const from = t(fromIso);
    const to = t(toIso);
    const all = runsBetween(s, from - 1, to);
    expect(all).toHaveLength((to - from) / HOUR);
    expectStrictlyIncreasing(all);
    expect(new Set(all).size).toBe(all.length);
  });

  it.each([
    [NY, 2025],
    [BERLIN, 2025],
    [NY, 2026],
    [BERLIN, 2026],
  ])('a daily job at every half hour in %s runs exactly once per local day through %s', (timezone, year) => {
    for (const time of ['00:30', '01:00', '01:30', '02:00', '02:30', '03:00', '03:30']) {
      const s = compiled({ type: 'daily', times: [time], timezone });
      const all = runsBetween(s, t(`${year}-01-01T12:00:00Z`), t(`${year}-12-31T12:00:00Z`));
      const days = all.map((x) => local(x, timezone).slice(0, 10));
      expect(new Set(days).size).toBe(days.length);
      expect(days.length).toBe(364);
    }
  });
});
