import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { AppError } from '../../src/domain/errors.js';
import { builtInPlans, checkJobAgainstPlan, parsePlans, usagePeriods } from '../../src/domain/plans.js';

describe('plans', () => {
  it('ships unlimited and the four Runhooks tiers', () => {
    expect(builtInPlans.map((p) => p.name)).toEqual(['unlimited', 'free', 'starter', 'production', 'growth']);
    expect(parsePlans(undefined).get('free')).toMatchObject({ maxJobs: 3, maxDailyRuns: 200, maxMonthlyRuns: 2_000, maxRetries: 3, maxTimeoutMs: 30_000, maxAlertConfigs: 1, retentionDays: 1, concurrency: 1 });
    expect(parsePlans(undefined).get('growth')).toMatchObject({ maxJobs: 100, maxDailyRuns: 50_000, maxTimeoutMs: 300_000, retentionDays: 30 });
    expect(parsePlans(undefined).get('unlimited')).toMatchObject({ maxJobs: null, maxDailyRuns: null, retentionDays: null });
  });

  it('lets the operator define and override plans', () => {
    const plans = parsePlans('{"team":{"maxJobs":500,"retentionDays":7},"free":{"maxJobs":5}}');
    expect(plans.get('team')).toMatchObject({ maxJobs: 500, retentionDays: 7, maxDailyRuns: null, maxRetries: 10 });
    expect(plans.get('free')).toMatchObject({ maxJobs: 5, maxDailyRuns: 200 });
  });

  it('names what is wrong in KAIROS_PLANS and KAIROS_DEFAULT_PLAN', () => {
    expect(() => parsePlans('nope')).toThrow(/JSON object/);
    expect(() => parsePlans('{"x":{"maxJobz":1}}')).toThrow(/KAIROS_PLANS.x.maxJobz is not a limit/);
    expect(() => parsePlans('{"x":{"maxJobs":-1}}')).toThrow(/non-negative integer/);
    expect(() => parsePlans('{"x":{"maxRetries":null}}')).toThrow(/needs a number/);
    expect(() => loadConfig({ KAIROS_DEFAULT_PLAN: 'gold' })).toThrow(/KAIROS_DEFAULT_PLAN names no plan: "gold"/);
    expect(loadConfig({ KAIROS_DEFAULT_PLAN: 'free' }).defaultPlan.name).toBe('free');
    expect(loadConfig({}).defaultPlan.name).toBe('unlimited');
  });

  it('refuses a job asking for more retries or a longer timeout than the plan allows', () => {
    const free = parsePlans(undefined).get('free')!;
    expect(() => checkJobAgainstPlan(free, { maxRetries: 3, timeoutMs: 30_000 })).not.toThrow();
    const retries = (() => {
      try {
        checkJobAgainstPlan(free, { maxRetries: 4, timeoutMs: 1_000 });
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(retries).toMatchObject({ code: 'max_retries_exceeded' });
    expect(() => checkJobAgainstPlan(free, { maxRetries: 0, timeoutMs: 30_001 })).toThrow(/timeout of at most 30000/);
  });

  it('counts usage in UTC days and months, resetting at their ends', () => {
    const p = usagePeriods(Date.parse('2028-02-29T23:59:59.999Z'));
    expect(p).toEqual({ day: 'day:2028-02-29', month: 'month:2028-02', dayResetsAt: Date.parse('2028-03-01T00:00:00Z'), monthResetsAt: Date.parse('2028-03-01T00:00:00Z') });
    expect(usagePeriods(Date.parse('2026-12-31T10:00:00Z')).monthResetsAt).toBe(Date.parse('2027-01-01T00:00:00Z'));
  });
});
