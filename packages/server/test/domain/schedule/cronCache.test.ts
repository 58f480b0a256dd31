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

  it('jobs sharing a schedule and due together are answered from the memo', () => {
    clearCronCache();
    const s: Schedule = { type: 'cron', expression: '@hourly', timezone: 'Europe/Berlin' };
    const due = t('2025-01-15T12:00:00Z');
    expect(iso(nextRunAfter(s, due, due + 3))).toBe('2025-01-15T13:00:00.000Z');
    const n = 10_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      if (nextRunAfter(s, due, due + 5 + (i % 1000)) !== t('2025-01-15T13:00:00Z')) throw new Error('wrong answer');
    }
    const microseconds = ((performance.now() - start) * 1_000) / n;
    console.log(`nextRunAfter from the memo: ${microseconds.toFixed(2)} µs per call`);
    expect(microseconds).toBeLessThan(100);
  });

  it('a nextRunAfter on a cached cron costs microseconds', () => {
    clearCronCache();
    const cases: Schedule[] = [
      { type: 'cron', expression: '*/5 * * * *', timezone: 'America/New_York' },
      { type: 'daily', times: ['08:00', '12:00', '18:30'], timezone: 'Europe/Berlin' },
      { type: 'cron', expression: '0 9 * * 1-5', timezone: 'UTC' },
    ];
    for (const s of cases) {
      let due = firstRunAt(s, NOW)!;
      for (let i = 0; i < 200; i++) due = nextRunAfter(s, due, due)!; // warm up
      const n = 2_000;
      const start = performance.now();
      for (let i = 0; i < n; i++) due = nextRunAfter(s, due, due)!;
      const microseconds = ((performance.now() - start) * 1_000) / n;
      console.log(`nextRunAfter(${JSON.stringify(s)}): ${microseconds.toFixed(1)} µs per call`);
      // Typically 20–60 µs on a laptop; generous bound so a loaded CI machine passes.
      expect(microseconds).toBeLessThan(1_000);
    }
  });
});
