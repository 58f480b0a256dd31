import { describe, expect, it } from 'vitest';
import { clearCronCache, CRON_CACHE_LIMIT, cronCacheSize, firstRunAt, nextRunAfter, type Schedule } from '../../../src/domain/schedule.js';
import { t, iso, NOW, compiled } from './helpers.js';

describe('compiled cron cache', () => {
  it('compiles a schedule once and reuses it', () => {
    clearCronCache();
    const s = compiled({ type: 'cron', expression: '*/5 * * * *', timezone: 'America/New_York' });
    let due = firstRunAt(s, NOW)!;
    for (let i = 0; i < 100; i++) due = nextRunAfter(s, due, due)!;
    expect(cronCacheSize()).toBe(1);
    expect(iso(due)).toBe(iso(t('2025-01-15T12:05:00Z') + 100 * 5 * 60_000));
  });

  it(`is bounded to ${CRON_CACHE_LIMIT} entries`, () => {
    clearCronCache();
    for (let i = 0; i < CRON_CACHE_LIMIT + 50; i++) {
      firstRunAt({ type: 'cron', expression: `${i % 60} ${Math.floor(i / 60) % 24} ${(Math.floor(i / 1440) % 28) + 1} * *`, timezone: 'UTC' }, NOW);
    }
    expect(cronCacheSize()).toBe(CRON_CACHE_LIMIT);
    clearCronCache();
  });

  it('the memo of the last answer agrees with a fresh croner answer, across DST changes', () => {
    const schedules: Schedule[] = [
      { type: 'cron', expression: '0 * * * *', timezone: 'America/New_York' },
      { type: 'cron', expression: '*/7 * * * *', timezone: 'Europe/Berlin' },
      { type: 'daily', times: ['01:30', '02:30', '03:00', '13:15'], timezone: 'America/New_York' },
      { type: 'daily', times: ['02:00', '02:30'], timezone: 'Europe/Berlin' },
      { type: 'preset', preset: 'endOfMonth', timezone: 'Europe/Berlin' },
    ];
    const windows = [t('2025-03-08T20:00:00Z'), t('2025-03-29T20:00:00Z'), t('2025-10-25T20:00:00Z'), t('2025-11-01T20:00:00Z')];
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (const s of schedules) {
      for (const start of windows) {
        // Increasing references, so many calls land inside the memo's interval.
        let reference = start;
        for (let i = 0; i < 150; i++) {
          reference += Math.floor(random() * 20 * 60_000);
          const memoised = nextRunAfter(s, reference, reference);
          clearCronCache();
          const fresh = nextRunAfter(s, reference, reference);
          expect(memoised).toBe(fresh);
          expect(memoised!).toBeGreaterThan(reference);
          nextRunAfter(s, reference, reference); // re-prime the memo
        }
      }
    }
  });

  // What these calls cost (microseconds) is measured by the bench's schedule scenario.
  it('jobs sharing a schedule and due together all get its next run, from one compiled entry', () => {
    clearCronCache();
    const s: Schedule = { type: 'cron', expression: '@hourly', timezone: 'Europe/Berlin' };
    const due = t('2025-01-15T12:00:00Z');
    expect(iso(nextRunAfter(s, due, due + 3))).toBe('2025-01-15T13:00:00.000Z');
    for (let i = 0; i < 10_000; i++) {
      if (nextRunAfter(s, due, due + 5 + (i % 1000)) !== t('2025-01-15T13:00:00Z')) throw new Error(`call ${i}: wrong answer`);
    }
    expect(cronCacheSize()).toBe(1);
  });

  it('walking cached schedules run after run moves strictly forward and compiles each schedule once', () => {
    clearCronCache();
    const cases: Schedule[] = [
      { type: 'cron', expression: '*/5 * * * *', timezone: 'America/New_York' },
      { type: 'daily', times: ['08:00', '12:00', '18:30'], timezone: 'Europe/Berlin' },
      { type: 'cron', expression: '0 9 * * 1-5', timezone: 'UTC' },
    ];
    for (const s of cases) {
      let due = firstRunAt(s, NOW)!;
      for (let i = 0; i < 2_200; i++) {
        const next = nextRunAfter(s, due, due)!;
        if (!(next > due)) throw new Error(`${JSON.stringify(s)}: run ${i} at ${iso(next)} does not follow ${iso(due)}`);
        due = next;
      }
    }
    expect(cronCacheSize()).toBe(cases.length);
  });
});
