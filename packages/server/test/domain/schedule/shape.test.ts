import { describe, expect, it } from 'vitest';
import { compileSchedule } from '../../../src/domain/schedule.js';
import { NOW, compiled, issues, fieldsOf } from './helpers.js';

describe('compileSchedule: shape of the input', () => {
  it.each([
    ['null', null],
    ['a string', 'every day'],
    ['a number', 5],
    ['an array', [{ type: 'once' }]],
    ['undefined', undefined],
  ])('refuses %s as a schedule (schedule)', (_what, input) => {
    expect(fieldsOf(input)).toEqual(['schedule']);
  });

  it('says a missing schedule is required, not what type it is (schedule)', () => {
    expect(issues(compileSchedule(undefined, NOW))).toEqual([{ field: 'schedule', issue: 'is required' }]);
  });

  it('requires a type (schedule.type)', () => {
    expect(fieldsOf({})).toEqual(['schedule.type']);
    expect(fieldsOf({ type: null, expression: '* * * * *' })).toEqual(['schedule.type']);
  });

  it.each([['hourly'], ['Cron'], [''], [3], [['cron']]])('refuses the unknown type %j (schedule.type)', (type) => {
    const result = issues(compileSchedule({ type }, NOW));
    expect(result.map((i) => i.field)).toEqual(['schedule.type']);
    expect(result[0]!.issue).toContain('once, cron, interval, preset, weekly, daily');
  });

  it('refuses unknown fields, each under its own path', () => {
    expect(fieldsOf({ type: 'cron', expression: '* * * * *', tz: 'UTC', foo: 1 })).toEqual(['schedule.tz', 'schedule.foo']);
  });

  it('refuses fields that belong to another type', () => {
    expect(fieldsOf({ type: 'interval', every: '5m', expression: '* * * * *' })).toEqual(['schedule.expression']);
    expect(fieldsOf({ type: 'once', at: NOW + 1, timezone: 'UTC' })).toEqual(['schedule.timezone']);
  });

  it('collects unrelated issues together', () => {
    expect(fieldsOf({ type: 'weekly', day: 'funday', hour: 25, minute: -1, timezone: 'Nowhere/City', extra: true }).sort()).toEqual([
      'schedule.day',
      'schedule.extra',
      'schedule.hour',
      'schedule.minute',
      'schedule.timezone',
    ]);
  });

  it('every issue has a non-empty explanation', () => {
    for (const issue of issues(compileSchedule({ type: 'daily', times: ['8:00', 'x'], timezone: 1 }, NOW))) {
      expect(issue.issue.length).toBeGreaterThan(5);
    }
  });

  it('treats null as an absent optional field', () => {
    expect(compiled({ type: 'cron', expression: '0 * * * *', timezone: null })).toEqual({
      type: 'cron',
      expression: '0 * * * *',
      timezone: 'UTC',
    });
  });

  it('produces JSON-serialisable schedules that compile to themselves', () => {
    const inputs = [
      { type: 'cron', expression: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
      { type: 'interval', every: '90s' },
      { type: 'preset', preset: 'endOfMonth', timezone: 'America/New_York' },
      { type: 'weekly', day: 'Friday', hour: 17 },
      { type: 'daily', times: ['18:00', '08:00'] },
      { type: 'once', delay: '5m' },
    ];
    for (const input of inputs) {
      const schedule = compiled(input);
      const roundTripped = JSON.parse(JSON.stringify(schedule)) as unknown;
      expect(roundTripped).toEqual(schedule);
      expect(compiled(roundTripped)).toEqual(schedule);
    }
  });
});
